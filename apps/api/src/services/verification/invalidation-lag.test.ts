import { setTimeout as sleep } from 'node:timers/promises';
import { Writable } from 'node:stream';
import { createTestDb, describeEachDb, type TestDb } from '@keyward/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../http/logger';
import { createKeyEvents } from '../key-events';
import { createKeyCache } from './key-cache';
import type { KeyState } from './key-state';
import { INVALIDATION_CHANNEL, startInvalidation } from './invalidation';

const quiet = createLogger('warn', new Writable({ write: (_c, _e, cb) => cb() }));

async function until(check: () => boolean, ms = 3000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describeEachDb('key-change notification lag', (driver) => {
  let db: TestDb;
  const stops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    db = await createTestDb(driver);
  });
  afterAll(async () => {
    for (const stop of stops) await stop();
    await db.close();
  });

  async function instance(now: () => number) {
    const handle = await db.connect();
    const events = createKeyEvents();
    let loads = 0;
    const cache = createKeyCache(async (hash) => {
      loads++;
      return { id: `key_${hash}`, hash, organizationId: 'org_a' } as KeyState;
    });
    const lags: number[] = [];
    stops.push(
      await startInvalidation(handle, events, cache, quiet, { ttlMs: 60_000, fallbackTtlMs: 1000, now, onDelivered: (ms) => lags.push(ms) }),
    );
    return { handle, events, cache, lags, loads: () => loads };
  }

  it('stamps each payload with its publish time and reports the delay on receipt', async () => {
    const clock = 1_000_000;
    const sender = await instance(() => clock);
    const receiver = await instance(() => clock + 250);
    await sender.events.changed({ kind: 'keys', hashes: ['h1'] });
    await until(() => receiver.lags.length > 0);
    expect(receiver.lags[0]).toBe(250);
  });

  it('still applies payloads without a timestamp, as older instances send them', async () => {
    const receiver = await instance(Date.now);
    await receiver.cache.get('old');
    const raw = await db.connect();
    await raw.notify(INVALIDATION_CHANNEL, JSON.stringify({ kind: 'keys', hashes: ['old'] }));
    await until(() => {
      void receiver.cache.get('old');
      return receiver.loads() >= 2;
    });
    expect(receiver.lags).toEqual([]);
  });
});
