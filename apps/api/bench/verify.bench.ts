/**
 * `pnpm bench` for the verification hot path. Starts the server on PostgreSQL in a child
 * process and loads it over loopback with autocannon, bounded in time; prints every figure
 * next to a bare Express route measured in the same run, and the ratio to it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { generateKey, newId } from '@keyward/core';
import { apis, keys } from '@keyward/db';
import { createTestDb } from '@keyward/db/testing';
import autocannon from 'autocannon';
import { eq, sql } from 'drizzle-orm';
import { loadConfig } from '../src/env';
import { type Services, createServices } from '../src/services';
import type { Actor } from '../src/services/actor';

const PORT = 3917;
const BASE = `http://127.0.0.1:${PORT}`;
// The bare Express app listens on the next port of the same server process.
const CEILING = `http://127.0.0.1:${PORT + 1}`;
// And node:http without any framework on the one after: the floor for single-connection latency.
const FLOOR = `http://127.0.0.1:${PORT + 2}`;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 50;

interface Figure {
  name: string;
  rps: number;
  p50: number;
  p99: number;
}

function startServer(url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/server.ts', url, String(PORT)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const { stdout } = child;
  if (!stdout) throw new Error('bench server has no stdout');
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: stdout });
    lines.on('line', (l) => l === 'ready' && resolve(child));
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
}

type Target = Partial<autocannon.Options> & { base?: string; path?: string };

async function run(name: string, { base = BASE, path = '/v1/keys.verifyKey', ...opts }: Target): Promise<Figure> {
  const r = await autocannon({
    url: `${base}${path}`,
    method: 'POST',
    connections: CONNECTIONS,
    // A fixed request count (amount) replaces the time bound.
    ...(opts.amount === undefined ? { duration: SECONDS } : {}),
    headers: { 'content-type': 'application/json' },
    ...opts,
  } as autocannon.Options);
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${name}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
  return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 };
}

/** Each scenario gets a short unmeasured run first, so the JIT and caches are warm for all alike. */
async function load(name: string, target: Target): Promise<Figure> {
  await run(`${name} (warm-up)`, { ...target, duration: 1 });
  return run(name, target);
}

/** Single-connection latency, measured by a client process of its own (bench/sequential.ts). */
async function sequentialLatency(url: string, body: string): Promise<{ p50: number; p90: number; p99: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/sequential.ts', url, body], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout?.on('data', (c) => {
    out += String(c);
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`sequential client for ${url} exited with ${code}`);
  return JSON.parse(out);
}

const cacheStats = async () => (await (await fetch(`${CEILING}/__stats`)).json()) as { misses: number; queries: number };

/** Keys with their plaintext, inserted in bulk (the service's one-by-one create is not what is measured). */
async function insertKeys(s: Services, organizationId: string, apiId: string, n: number) {
  const out: string[] = [];
  for (let i = 0; i < n; i += 5000) {
    const batch = Array.from({ length: Math.min(5000, n - i) }, () => generateKey({ prefix: 'kw' }));
    await s.handle.db.insert(keys).values(
      batch.map((k) => ({ id: newId('key'), organizationId, apiId, hash: k.hash, start: k.start, prefix: 'kw', source: 'cli' as const })),
    );
    out.push(...batch.map((k) => k.key));
  }
  return out;
}

/** Rows that only make the table big: their hashes belong to no plaintext anyone holds. */
async function insertFiller(s: Services, organizationId: string, apiId: string, from: number, to: number) {
  for (let lo = from; lo < to; lo += 200_000) {
    const hi = Math.min(to, lo + 200_000);
    await s.handle.db.execute(sql`
      insert into keys (id, organization_id, api_id, hash, start, prefix, source)
      select 'key_filler' || g, ${organizationId}, ${apiId}, encode(sha256(('filler' || g)::bytea), 'hex'), 'kw_fill', 'kw', 'cli'
      from generate_series(${lo}::int, ${hi - 1}::int) g`);
  }
}

/** p99 of first-time (cache-miss) verifications: every one reads the database. */
async function coldP99(s: Services, probes: string[]) {
  // Usage is flushed once, at close, so its writes do not land in the middle of the lookups.
  const cold = createServices(s.handle, s.config, { usageFlushMs: 3_600_000 });
  const times: number[] = [];
  for (const k of probes) {
    const t = performance.now();
    const r = await cold.verifier.verify(k);
    times.push(performance.now() - t);
    if (r.code !== 'VALID') throw new Error(`probe key answered ${r.code}`);
  }
  await cold.close();
  times.sort((a, b) => a - b);
  return times[Math.ceil(times.length * 0.99) - 1] ?? Number.NaN;
}

/** Warm-cache verifications per second on this one thread: three 2 s rounds, each reported. */
async function inProcessOps(s: Services, key: string): Promise<number[]> {
  for (let i = 0; i < 200_000; i++) await s.verifier.verify(key);
  const rounds: number[] = [];
  for (let round = 0; round < 3; round++) {
    let n = 0;
    const started = performance.now();
    const end = started + 2000;
    while (performance.now() < end) {
      for (let i = 0; i < 1000; i++) await s.verifier.verify(key);
      n += 1000;
    }
    rounds.push(n / ((performance.now() - started) / 1000));
  }
  return rounds;
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

async function main() {
  const db = await createTestDb('postgres');
  const config = loadConfig({ NODE_ENV: 'production', KEYWARD_PLAN_STANDARD_RATE_LIMIT: '1000000000' });
  const s = createServices(db, config);
  const { user, organizationId } = await s.accounts.signUp(
    { email: 'bench@example.com', password: 'bench passphrase', name: 'Bench' },
    { ip: null, userAgent: null },
  );
  const actor: Actor = { organizationId, plan: 'standard', userId: user.id, role: 'owner', keyId: null, scopes: null, ip: null, userAgent: null };
  const [api] = await db.db.select({ id: apis.id }).from(apis).where(eq(apis.organizationId, organizationId));
  if (!api) throw new Error('no default api');

  const valid = (await s.keys.create(actor, { source: 'cli', name: 'valid' })).secret;
  const limited = (await s.keys.create(actor, { source: 'cli', name: 'limited', ratelimit: { type: 'fast', limit: 1000, durationMs: 1000 } })).secret;
  const metered = (await s.keys.create(actor, { source: 'cli', name: 'metered', remaining: 1_000_000_000 })).secret;
  process.stdout.write('cold-lookup p99 with 10k keys in the table… ');
  const probes10k = await insertKeys(s, organizationId, api.id, 5000);
  await insertFiller(s, organizationId, api.id, 0, 5000);
  // Vacuumed now, so autovacuum does not wake up mid-measurement on the freshly inserted rows.
  await db.db.execute(sql`vacuum analyze keys`);
  const p99small = await coldP99(s, probes10k);
  process.stdout.write('done\nseeding 100k keys for rotation… ');
  const rotation = await insertKeys(s, organizationId, api.id, 100_000);
  await db.db.execute(sql`vacuum analyze keys`);
  process.stdout.write('done\n');

  // Before any server runs, so nothing else on the machine competes for the core it uses.
  const rounds = await inProcessOps(s, valid);
  const median = [...rounds].sort((a, b) => a - b)[1] as number;

  const child = await startServer(db.url ?? '');
  const figures: Figure[] = [];
  let unknownSent = 0;
  let rot = 0;
  try {
    const body = (key: string) => JSON.stringify({ key });
    // Alone on a quiet server first: what one client waiting on each answer sees.
    const one = await sequentialLatency(`${BASE}/v1/keys.verifyKey`, body(valid));
    const oneCeiling = await sequentialLatency(`${CEILING}/__ceiling`, body(valid));
    const oneFloor = await sequentialLatency(`${FLOOR}/`, body(valid));
    figures.push(await load('bare Express route (ceiling)', { base: CEILING, path: '/__ceiling', body: body(valid) }));
    figures.push(await load('(a) valid key', { body: body(valid) }));
    // Drawn before the run, so the load generator spends its core on requests, not on CSPRNG and
    // SHA-256; far more than a run can send, so every request carries a key never seen before.
    const unknownKeys = Array.from({ length: 150_000 }, () => body(generateKey({ prefix: 'kw' }).key));
    const unknown = {
      requests: [
        {
          setupRequest: (req: autocannon.Request) => {
            const next = unknownKeys[unknownSent++];
            if (next === undefined) throw new Error('ran out of unknown keys: raise the pool size');
            return { ...req, body: next };
          },
        },
      ],
    };
    await run('(b) warm-up', { ...unknown, duration: 1 });
    const before = await cacheStats();
    const sentBefore = unknownSent;
    figures.push(await run('(b) random unknown keys', unknown));
    const after = await cacheStats();
    const unknownLoads = after.misses - before.misses;
    const unknownQueries = after.queries - before.queries;
    unknownSent -= sentBefore;
    figures.push(await load('(c) key with a rate limit', { body: body(limited) }));
    figures.push(await load('(d) key with remaining', { body: body(metered) }));
    // Warm-up sends each of the 100k keys once (cache misses), then the measured run cycles again.
    await run('warm-up: 100k keys in rotation', {
      amount: rotation.length,
      requests: [{ setupRequest: (req) => ({ ...req, body: body(rotation[rot++ % rotation.length] ?? valid) }) }],
    });
    figures.push(
      await run('100k keys in rotation, warm', {
        requests: [{ setupRequest: (req) => ({ ...req, body: body(rotation[rot++ % rotation.length] ?? valid) }) }],
      }),
    );

    const ceiling = figures[0] as Figure;
    console.log(`\nVerification over HTTP — ${CONNECTIONS} connections, ${SECONDS}s each, PostgreSQL, ${new Date().toISOString().slice(0, 10)}`);
    console.log('scenario'.padEnd(34), 'req/s'.padStart(9), 'p50 ms'.padStart(8), 'p99 ms'.padStart(8), '× ceiling rps'.padStart(14), '× ceiling p99'.padStart(14));
    for (const f of figures) {
      console.log(f.name.padEnd(34), fmt(f.rps).padStart(9), fmt(f.p50, 2).padStart(8), fmt(f.p99, 2).padStart(8), fmt(f.rps / ceiling.rps, 2).padStart(14), fmt(f.p99 / ceiling.p99, 2).padStart(14));
    }
    const ms = (l: { p50: number; p90: number; p99: number }) => `p50 ${fmt(l.p50, 3)} ms, p90 ${fmt(l.p90, 3)} ms, p99 ${fmt(l.p99, 3)} ms`;
    console.log(`\n1 connection, 5,000 sequential requests:\n  valid key      ${ms(one)}\n  ceiling        ${ms(oneCeiling)}\n  bare node:http ${ms(oneFloor)}`);
    console.log(
      `unknown keys sent in (b): ${fmt(unknownSent)}; hashes the server loaded: ${fmt(unknownLoads)} (each at most once), in ${fmt(unknownQueries)} database queries`,
    );
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    // It flushes buffered usage on the way out; let that finish before measuring anything else.
    await exited;
  }

  console.log(`\nin-process verifyKey, warm cache: median ${fmt(median)} ops/s of rounds ${rounds.map((r) => fmt(r)).join(', ')} (target ≥ 500,000)`);

  process.stdout.write('\ncold-lookup p99 with 1M keys in the table… ');
  await insertFiller(s, organizationId, api.id, 5000, 895_000);
  const probes1m = await insertKeys(s, organizationId, api.id, 5000);
  // Vacuumed now, so autovacuum does not wake up mid-measurement on the freshly inserted rows.
  await db.db.execute(sql`vacuum analyze keys`);
  const p99large = await coldP99(s, probes1m);
  const [{ n } = { n: 0 }] = await db.db.select({ n: sql<number>`count(*)::int` }).from(keys);
  console.log(`done\n  10k keys: p99 ${fmt(p99small, 3)} ms; ${fmt(n)} keys: p99 ${fmt(p99large, 3)} ms; ratio ${fmt(p99large / p99small, 2)} (target ≤ 1.2)`);

  await s.close();
  await db.close();
}

await main();
