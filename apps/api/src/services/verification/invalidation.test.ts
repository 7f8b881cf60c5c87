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

/** Loads report the org they were asked for; the count tells whether the cache was used. */
function countingLoader() {
  let loads = 0;
  return {
    load: async (hash: string) => {
      loads++;
      return { id: `key_${hash}`, hash, organizationId: 'org_a' } as KeyState;
    },
    loads: () => loads,
  };
}

async function until(check: () => boolean, ms = 3000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describeEachDb('key-change broadcast between instances', (driver) => {
  let db: TestDb;
  const stops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    db = await createTestDb(driver);
  });
  afterAll(async () => {
    for (const stop of stops) await stop();
    await db.close();
  });

  /** An instance on its own connection; `now` is its clock, which stamps and times notifications. */
  async function instance(now: () => number = Date.now) {
    const handle = await db.connect();
    const events = createKeyEvents();
    const loader = countingLoader();
    const cache = createKeyCache(loader.load);
    events.subscribe((c) => cache.invalidate(c));
    const lags: number[] = [];
    stops.push(
      await startInvalidation(handle, events, cache, quiet, { ttlMs: 60_000, fallbackTtlMs: 1000, now, onDelivered: (ms) => lags.push(ms) }),
    );
    return { events, cache, loader, lags };
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
    const receiver = await instance();
    await receiver.cache.get('old');
    const raw = await db.connect();
    await raw.notify(INVALIDATION_CHANNEL, JSON.stringify({ kind: 'keys', hashes: ['old'] }));
    await until(() => {
      void receiver.cache.get('old');
      return receiver.loader.loads() >= 2;
    });
    expect(receiver.lags).toEqual([]);
  });

  it('drops the entry on the other instance through NOTIFY', async () => {
    const a = await instance();
    const b = await instance();
    await a.cache.get('h1');
    await b.cache.get('h1');
    await a.events.changed({ kind: 'keys', hashes: ['h1'] });
    await a.cache.get('h1');
    expect(a.loader.loads()).toBe(2);
    await until(() => {
      void b.cache.get('h1');
      return b.loader.loads() === 2;
    });
  });

  it('propagates organization-wide changes (plan changes)', async () => {
    const a = await instance();
    const b = await instance();
    await b.cache.get('x1');
    await a.events.changed({ kind: 'org', organizationId: 'org_a' });
    await until(() => {
      void b.cache.get('x1');
      return b.loader.loads() === 2;
    });
  });

  it('splits large changes into payloads PostgreSQL accepts', async () => {
    const a = await instance();
    const b = await instance();
    const hashes = Array.from({ length: 250 }, (_, i) => i.toString(16).padStart(64, '0'));
    for (const h of hashes) await b.cache.get(h);
    await a.events.changed({ kind: 'keys', hashes });
    await until(() => {
      for (const h of hashes) void b.cache.get(h);
      return b.loader.loads() === 500;
    });
  });

  it('ignores payloads it cannot read', async () => {
    const a = await instance();
    await a.cache.get('h9');
    const raw = await db.connect();
    await raw.notify(INVALIDATION_CHANNEL, '{not json');
    await raw.notify(INVALIDATION_CHANNEL, JSON.stringify({ kind: 'keys', hashes: [1, 2] }));
    await sleep(100);
    await a.cache.get('h9');
    expect(a.loader.loads()).toBe(1);
  });
});
