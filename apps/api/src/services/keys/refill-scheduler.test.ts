import { keys } from '@keyward/db';
import { describeEachDb } from '@keyward/db/testing';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { actorOf } from '../../test-support/actor';
import { signUp } from '../../test-support/http';
import { startTestServer, type TestServer } from '../../test-support/server';
import type { Actor } from '../actor';
import { createRefillScheduler } from './refill-scheduler';
import type { CreateKeyInput } from './types';

const at = (iso: string) => Date.parse(iso);

describeEachDb('refill scheduler', (driver) => {
  let s: TestServer;
  let actor: Actor;

  beforeAll(async () => {
    s = await startTestServer(driver, {}, { refillEveryMs: 50 });
    actor = await actorOf(s, (await signUp(s.url)).userId);
  });
  afterAll(() => s.close());

  async function key(input: Partial<CreateKeyInput>) {
    return (await s.services.keys.create(actor, { source: 'unkey', remaining: 1, ...input })).key;
  }

  async function hashOf(id: string) {
    const [row] = await s.handle.db.select({ hash: keys.hash }).from(keys).where(eq(keys.id, id));
    return row?.hash;
  }

  async function stateOf(id: string) {
    const [row] = await s.handle.db.select({ remaining: keys.remaining, lastRefillAt: keys.lastRefillAt }).from(keys).where(eq(keys.id, id));
    return { remaining: row?.remaining, lastRefillAt: row?.lastRefillAt?.toISOString() };
  }

  it('refills due keys on schedule, once per period, in batches, and announces them', async () => {
    const daily = await key({ refill: { interval: 'daily', amount: 10 } });
    const mid = await key({ refill: { interval: 'monthly', amount: 15, refillDay: 15 } });
    const endOfMonth = await key({ refill: { interval: 'monthly', amount: 31, refillDay: 31 } });
    const revoked = await key({ refill: { interval: 'daily', amount: 99 } });
    await s.services.keys.revoke(actor, revoked.id);
    const plain = await key({});
    const ids = [daily.id, mid.id, endOfMonth.id, revoked.id, plain.id];
    await s.handle.db
      .update(keys)
      .set({ remaining: 0, lastRefillAt: new Date('2031-02-10T00:00:00Z') })
      .where(inArray(keys.id, ids));

    let clock = at('2031-02-10T12:00:00Z');
    const announced: string[] = [];
    const unsubscribe = s.services.events.subscribe((c) => {
      if (c.kind === 'keys') announced.push(...c.hashes);
    });
    const scheduler = createRefillScheduler({ db: s.handle.db, events: s.services.events, now: () => clock, batchSize: 1 });
    try {
      expect(await scheduler.runOnce()).toBe(0);

      clock = at('2031-02-11T00:00:05Z');
      expect(await scheduler.runOnce()).toBe(1);
      expect(await stateOf(daily.id)).toEqual({ remaining: 10, lastRefillAt: '2031-02-11T00:00:00.000Z' });
      expect(await scheduler.runOnce()).toBe(0);

      clock = at('2031-02-15T01:00:00Z');
      expect(await scheduler.runOnce()).toBe(2);
      expect(await stateOf(mid.id)).toEqual({ remaining: 15, lastRefillAt: '2031-02-15T00:00:00.000Z' });

      // Day 31 falls on the month's last day in February.
      clock = at('2031-02-28T00:00:01Z');
      expect(await scheduler.runOnce()).toBe(2);
      expect(await stateOf(endOfMonth.id)).toEqual({ remaining: 31, lastRefillAt: '2031-02-28T00:00:00.000Z' });

      expect(await stateOf(revoked.id)).toMatchObject({ remaining: 0 });
      expect(await stateOf(plain.id)).toMatchObject({ remaining: 0 });
      expect(new Set(announced)).toEqual(new Set([await hashOf(daily.id), await hashOf(mid.id), await hashOf(endOfMonth.id)]));
    } finally {
      unsubscribe();
      await scheduler.stop();
    }
  });

  it('runs on its own timer once the services start, without any verification', async () => {
    const k = await key({ refill: { interval: 'daily', amount: 7 } });
    await s.handle.db.update(keys).set({ remaining: 0, lastRefillAt: new Date('2000-01-01T00:00:00Z') }).where(eq(keys.id, k.id));
    const deadline = Date.now() + 5000;
    while ((await stateOf(k.id)).remaining !== 7 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect((await stateOf(k.id)).remaining).toBe(7);
  });
});
