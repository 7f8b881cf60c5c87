import type { AddressInfo, Socket } from 'node:net';
import { connect, createServer } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from './create-db';
import type { DbHandle } from './handle';
import type { TestDb } from './testing';
import { createTestDb, describeEachDb } from './testing';

/** Collects payloads; `arrived` resolves with the first. */
function collector() {
  const payloads: string[] = [];
  let resolve: () => void = () => {};
  const arrived = new Promise<void>((r) => {
    resolve = r;
  });
  return {
    payloads,
    arrived,
    onPayload(payload: string) {
      payloads.push(payload);
      resolve();
    },
  };
}

async function eventually(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describeEachDb('listen/notify', (driver) => {
  let handle: TestDb;
  let other: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb(driver);
    other = await handle.connect();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('delivers a notification to listeners on every handle of the database', async () => {
    const here = collector();
    const there = collector();
    await handle.listen('kw_keys', here.onPayload);
    await other.listen('kw_keys', there.onPayload);

    await handle.notify('kw_keys', 'key_123');

    await Promise.all([here.arrived, there.arrived]);
    expect(here.payloads).toEqual(['key_123']);
    expect(there.payloads).toEqual(['key_123']);
    expect(other.listenerConnected()).toBe(true);
  });

  it('stops delivering after unlisten', async () => {
    const stopped = collector();
    const fence = collector();
    const unlisten = await other.listen('kw_stopped', stopped.onPayload);
    await other.listen('kw_fence', fence.onPayload);
    await unlisten();

    await handle.notify('kw_stopped', 'late');
    await handle.notify('kw_fence', 'done');

    // Notifications arrive in order, so once the fence is in, the other one would have been too.
    await fence.arrived;
    expect(stopped.payloads).toEqual([]);
  });

  it('delivers a notification sent in a transaction only when it commits', async () => {
    const received = collector();
    await other.listen('kw_tx', received.onPayload);

    await handle.db
      .transaction(async (tx) => {
        await tx.execute(sql`select pg_notify('kw_tx', 'rolled back')`);
        tx.rollback();
      })
      .catch(() => {});
    await handle.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_notify('kw_tx', 'committed')`);
    });

    await received.arrived;
    expect(received.payloads).toEqual(['committed']);
  });

  it('rejects channel names that the two drivers would treat differently', async () => {
    await expect(handle.listen('KeyCache', () => {})).rejects.toThrow(/Invalid channel name/);
    await expect(handle.notify('key-cache', 'x')).rejects.toThrow(/Invalid channel name/);
    await expect(handle.listen('a; drop table keys', () => {})).rejects.toThrow(/Invalid channel name/);
  });
});

/**
 * A TCP relay to the database that can be cut and restored, to play a network outage. Cutting
 * drops every relayed connection and refuses new ones until restored.
 */
async function startOutageProxy(target: URL) {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(from);
      from.pipe(to);
      from.on('error', () => to.destroy());
      from.on('close', () => {
        sockets.delete(from);
        to.destroy();
      });
    }
  });
  const listen = (port = 0) =>
    new Promise<number>((resolve) => {
      server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
  const port = await listen();
  const url = new URL(target);
  url.host = `127.0.0.1:${port}`;
  const cut = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  return { url: url.href, cut, restore: () => listen(port), close: cut };
}

describe('listener health [postgres]', () => {
  it('reports the listener down while the server is unreachable and up once it is back', async () => {
    const database = await createTestDb('postgres');
    const proxy = await startOutageProxy(new URL(database.url ?? ''));
    const instance = await createDb({ url: proxy.url, listenerHeartbeatMs: 100 });
    try {
      const states: boolean[] = [];
      instance.onListenerStateChange((connected) => states.push(connected));
      expect(instance.listenerConnected()).toBe(false);
      const received = collector();
      await instance.listen('kw_keys', received.onPayload);
      expect(instance.listenerConnected()).toBe(true);

      await proxy.cut();
      await eventually(() => !instance.listenerConnected());
      await proxy.restore();
      await eventually(() => instance.listenerConnected());
      expect(states.slice(states.indexOf(false))).toEqual(expect.arrayContaining([false, true]));

      await database.notify('kw_keys', 'after the outage');
      await received.arrived;
      expect(received.payloads).toEqual(['after the outage']);
    } finally {
      await instance.close();
      await proxy.close();
      await database.close();
    }
  });
});
