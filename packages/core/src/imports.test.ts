import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as index from "./index";

const SRC = import.meta.dirname;
const sources = readdirSync(SRC).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));

describe("dependency rule: src/ imports only node:crypto and relative modules", () => {
  it("finds the source files", () => {
    expect(sources).toEqual(expect.arrayContaining(["index.ts", "keys.ts", "ratelimit.ts"]));
  });

  it.each(sources)("%s", (file) => {
    const text = readFileSync(join(SRC, file), "utf8");
    const specifiers = [...text.matchAll(/\b(?:from|import)\s*["']([^"']+)["']/g)].map((m) => m[1]);
    for (const specifier of specifiers) {
      expect(specifier === "node:crypto" || /^\.\/[\w.-]+$/.test(specifier ?? ""), `${file}: ${specifier}`).toBe(true);
    }
    expect(text, `${file} uses dynamic import`).not.toMatch(/\bimport\s*\(/);
    expect(text, `${file} uses require`).not.toMatch(/\brequire\s*\(/);
  });
});

describe("index", () => {
  // Shared helpers whose only public surface is their types.
  const internal = new Set(["random.ts", "time.ts", "index.ts"]);

  it.each(sources.filter((f) => !internal.has(f)))("re-exports every runtime export of %s", async (file) => {
    const module: Record<string, unknown> = await import(join(SRC, file));
    for (const [name, value] of Object.entries(module)) {
      expect((index as Record<string, unknown>)[name], `${file}: ${name}`).toBe(value);
    }
  });
});
