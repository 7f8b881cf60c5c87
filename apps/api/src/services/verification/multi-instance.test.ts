import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { keys, verificationCounts } from '@keyward/db';
import { createTestDb, type TestDb } from '@keyward/db/testing';
import { eq, sum } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../env';
import { type Services, createServices } from '..';
import type { Actor } from '../actor';

const REDIS_URL = process.env.REDIS_URL_TEST ?? 'redis://127.0.0.1:6379';

/**
 * Two API instances as production runs them: separate processes' worth of services (own
 * caches, own rate limiters, own usage buffers) on one PostgreSQL database.
 */
describe('two instances on one PostgreSQL', () => {
  let db: TestDb;
  let a: Services;
  let b: Services;
  let owner: Actor;

  beforeAll(async () => {
    db = await createTestDb('postgres');
    const config = loadConfig({ NODE_ENV: 'test', KEYWARD_PASSWORD_COST: '10', REDIS_URL });
    const redisKeyPrefix = `kwtest:${randomBytes(6).toString('hex')}:`;
    a = createServices(await db.connect(), config, { redisKeyPrefix, usageFlushMs: 60_000 });
    b = createServices(await db.connect(), config, { redisKeyPrefix, usageFlushMs: 60_000 });
    await a.start();
    await b.start();
    const { user, organizationId } = await a.accounts.signUp(
      { email: 'owner@example.com', password: 'correct horse battery', name: 'Owner' },
      { ip: null, userAgent: null },
    );
    owner = { organizationId, plan: 'standard', userId: user.id, role: 'owner', keyId: null, scopes: null, ip: null, userAgent: null };
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await db.close();
  });

  it('never overspends remaining: 200 verifies split over both instances on remaining 50 → exactly 50 VALID', async () => {
    const { secret, key } = await a.keys.create(owner, { source: 'dashboard', name: 'metered', remaining: 50 });
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).verifier.verify(secret)),
    );
    expect(results.filter((r) => r.code === 'VALID')).toHaveLength(50);
    expect(results.filter((r) => r.code === 'USAGE_EXCEEDED')).toHaveLength(150);
    const [row] = await db.db.select({ remaining: keys.remaining }).from(keys).where(eq(keys.id, key.id));
    expect(row?.remaining).toBe(0);
  });

  it('shares a rate limit through Redis: 100/min over two instances allows 100, not 200', async () => {
    const { secret } = await a.keys.create(owner, {
      source: 'dashboard',
      name: 'limited',
      ratelimit: { type: 'fast', limit: 100, durationMs: 60_000 },
    });
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).verifier.verify(secret)),
    );
    expect(results.filter((r) => r.code === 'VALID')).toHaveLength(100);
    expect(results.filter((r) => r.code === 'RATE_LIMITED')).toHaveLength(100);
  });

  it('refuses a key on the other instance within a second of its revocation (p99 over 20 keys)', async () => {
    const delays: number[] = [];
    for (let i = 0; i < 20; i++) {
      const { secret, key } = await a.keys.create(owner, { source: 'dashboard', name: `revoke-${i}` });
      expect((await b.verifier.verify(secret)).code).toBe('VALID');
      const revokedAt = performance.now();
      await a.keys.revoke(owner, key.id);
      while ((await b.verifier.verify(secret)).code === 'VALID') {
        if (performance.now() - revokedAt > 5000) throw new Error('revocation never reached instance B');
        await sleep(2);
      }
      delays.push(performance.now() - revokedAt);
    }
    delays.sort((x, y) => x - y);
    const at = (q: number) => delays[Math.ceil(delays.length * q) - 1] ?? Number.POSITIVE_INFINITY;
    const p99 = at(0.99);
    console.info(`revocation reached instance B after p50 ${at(0.5).toFixed(1)} ms, p90 ${at(0.9).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`);
    expect(p99).toBeLessThan(1000);
  });

  it('answers no VALID after the revocation notification arrives, even mid-storm', async () => {
    const { secret, key } = await a.keys.create(owner, { source: 'dashboard', name: 'stormy' });
    let stop = false;
    let afterNotice = 0;
    let noticed = false;
    const storm = (async () => {
      while (!stop) {
        const r = await b.verifier.verify(secret);
        if (noticed && r.code === 'VALID') afterNotice++;
        if (r.code !== 'VALID') noticed = true;
        // Cached answers resolve without I/O; yield so timers (and the notification) get a turn.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    await sleep(50);
    await a.keys.revoke(owner, key.id);
    const deadline = performance.now() + 3000;
    while (!noticed && performance.now() < deadline) await sleep(5);
    await sleep(100);
    stop = true;
    await storm;
    expect(noticed).toBe(true);
    expect(afterNotice).toBe(0);
  });

  it('buffers usage in memory and writes it in one batch on flush', async () => {
    const { secret, key } = await a.keys.create(owner, { source: 'dashboard', name: 'counted' });
    for (let i = 0; i < 30; i++) await (i % 3 ? a : b).verifier.verify(secret, { ip: '203.0.113.9', userAgent: 'bench/1' });
    const before = await db.db
      .select({ n: sum(verificationCounts.count) })
      .from(verificationCounts)
      .where(eq(verificationCounts.keyId, key.id));
    expect(Number(before[0]?.n ?? 0)).toBe(0);
    await a.usage.flush();
    await b.usage.flush();
    const after = await db.db
      .select({ n: sum(verificationCounts.count) })
      .from(verificationCounts)
      .where(eq(verificationCounts.keyId, key.id));
    expect(Number(after[0]?.n)).toBe(30);
    const [row] = await db.db.select().from(keys).where(eq(keys.id, key.id));
    expect(row?.lastUsedIp).toBe('203.0.113.9');
    expect(row?.lastUsedUserAgent).toBe('bench/1');
  });
});
