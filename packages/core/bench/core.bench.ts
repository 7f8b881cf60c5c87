/**
 * Micro-benchmark for the verification hot path. Self-timed (no deps) and
 * bounded: each case runs for BUDGET_MS after a short warm-up.
 * Target: parse + hash >= 1,000,000 ops/s on one core.
 */

import { generateKey, hashKey, parseKey } from "../src/index";

const BUDGET_MS = 800;
const WARMUP_MS = 200;
const TARGET_OPS = 1_000_000;
const POOL = 1024;

// A pool of distinct keys so no case benefits from a single hot input.
const keys = Array.from({ length: POOL }, (_, i) => generateKey({ prefix: i % 2 ? "rybbit_sk_live" : "sk" }).key);
let sink = 0;

function measure(name: string, op: (key: string) => number): number {
  const run = (ms: number): number => {
    let ops = 0;
    const start = performance.now();
    while (performance.now() - start < ms) {
      for (let i = 0; i < POOL; i++) sink += op(keys[i] as string);
      ops += POOL;
    }
    return ops / ((performance.now() - start) / 1000);
  };
  run(WARMUP_MS);
  const opsPerSecond = run(BUDGET_MS);
  console.log(`${name.padEnd(12)} ${Math.round(opsPerSecond).toLocaleString("en-US").padStart(12)} ops/s`);
  return opsPerSecond;
}

measure("generate", () => generateKey({ prefix: "sk" }).key.length);
measure("parse", (key) => (parseKey(key).ok ? 1 : 0));
measure("hash", (key) => hashKey(key).length);
const combined = measure("parse+hash", (key) => (parseKey(key).ok ? hashKey(key).length : 0));

const verdict = combined >= TARGET_OPS ? "PASS" : "FAIL";
console.log(`${verdict}: parse+hash ${Math.round(combined).toLocaleString("en-US")} ops/s (target ${TARGET_OPS.toLocaleString("en-US")})`);
// Keeps the results observable so the loops cannot be optimised away.
if (sink === 0) console.log("(no work done)");
