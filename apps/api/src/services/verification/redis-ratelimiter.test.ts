import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { slidingWindow } from '@keyward/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../http/logger';
import { createLocalRateLimiter } from './ratelimiter';
import { createRedisRateLimiter } from './redis-ratelimiter';

const REDIS_URL = process.env.REDIS_URL_TEST ?? 'redis://127.0.0.1:6379';

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const log = createLogger('info', sink);
  return { log, lines };
}

describe('Redis-shared rate limits', () => {
  const prefix = `kwtest:${randomBytes(6).toString('hex')}:`;
  const { log } = capture();
  const a = createRedisRateLimiter({ url: REDIS_URL, keyPrefix: prefix, fallback: createLocalRateLimiter(), log });
  const b = createRedisRateLimiter({ url: REDIS_URL, keyPrefix: prefix, fallback: createLocalRateLimiter(), log });
  beforeAll(async () => {
    expect(await a.ready()).toBe(true);
    expect(await b.ready()).toBe(true);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('lets two instances share one limit: 100 per minute allows 100 in all, not 200', async () => {
    const cfg = { limit: 100, durationMs: 60_000, cost: 1 };
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).limit('shared', cfg, Date.now())),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(100);
    const denied = results.find((r) => !r.allowed);
    expect(denied?.remaining).toBe(0);
    expect(denied?.reset).toBeGreaterThan(Date.now());
  });

  it('gives the same answers as the pure function it ports', async () => {
    const cfg = { limit: 7, durationMs: 10_000, cost: 2 };
    let state: Parameters<typeof slidingWindow>[0];
    for (let i = 0; i < 6; i++) {
      const r = await a.limit('parity', cfg, Date.now());
      // Compare against core on Redis's own window state and a clock inside the same window.
      const expected = slidingWindow(state, cfg, r.state.windowStart + 1);
      expect(r.allowed).toBe(expected.allowed);
      state = r.state;
    }
  });

  it('treats cost 0 as a peek that consumes nothing', async () => {
    const cfg = { limit: 1, durationMs: 60_000, cost: 0 };
    expect((await a.limit('peek', cfg, Date.now())).allowed).toBe(true);
    expect((await a.limit('peek', { ...cfg, cost: 1 }, Date.now())).allowed).toBe(true);
    expect((await a.limit('peek', { ...cfg, cost: 1 }, Date.now())).allowed).toBe(false);
  });
});

describe('Redis down', () => {
  it('falls back to local limits and logs one warning', async () => {
    const { log, lines } = capture();
    const dead = createRedisRateLimiter({ url: 'redis://127.0.0.1:1', fallback: createLocalRateLimiter(), log });
    try {
      expect(await dead.ready(300)).toBe(false);
      const cfg = { limit: 2, durationMs: 60_000, cost: 1 };
      const r = [];
      for (let i = 0; i < 3; i++) r.push(await dead.limit('k', cfg, Date.now()));
      expect(r.map((x) => x.allowed)).toEqual([true, true, false]);
      expect(lines.filter((l) => l.includes('falling back'))).toHaveLength(1);
    } finally {
      await dead.close();
    }
  });
});
