import { randomBytes } from 'node:crypto';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Db, DbHandle } from './handle';
import { assertChannel, sqlOperations } from './handle';
import * as schema from './schema';

export interface PostgresOptions {
  max?: number;
  listenerHeartbeatMs?: number;
}

/**
 * postgres.js keeps one dedicated connection for all LISTENs and re-issues them after it
 * reconnects (calling `onlisten` each time), but it does not report the connection dropping.
 * So the handle listens on a private channel and NOTIFYs it every `listenerHeartbeatMs`;
 * an echo that has not arrived by the next beat marks the listener down.
 */
export function createPostgresHandle(url: string, options: PostgresOptions = {}): DbHandle {
  // Notices such as "schema already exists, skipping" from idempotent migrations are noise.
  const client = postgres(url, { max: options.max ?? 10, onnotice: () => {} });
  const db: Db = drizzle({ client, schema });
  const { notify, ping } = sqlOperations(db);
  const heartbeatMs = options.listenerHeartbeatMs ?? 5_000;

  let connected = false;
  const watchers = new Set<(connected: boolean) => void>();
  const report = (next: boolean, always = false) => {
    if (next === connected && !always) return;
    connected = next;
    for (const watch of watchers) watch(next);
  };

  const subscribe = async (channel: string, onPayload: (payload: string) => void) => {
    let subscribed = false;
    const { unlisten } = await client.listen(channel, onPayload, () => {
      // A repeat call means postgres.js reconnected; whatever was published meanwhile is lost,
      // so it is reported even when the heartbeat never noticed the gap.
      report(true, subscribed);
      subscribed = true;
    });
    return unlisten;
  };

  let heartbeat: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const startHeartbeat = async () => {
    const channel = `keyward_heartbeat_${randomBytes(8).toString('hex')}`;
    let echoPending = false;
    await subscribe(channel, () => {
      echoPending = false;
      report(true);
    });
    timer = setInterval(() => {
      if (echoPending) report(false);
      echoPending = true;
      // A failed NOTIFY needs no handling of its own: the echo it would have caused is missed.
      notify(channel, '').catch(() => {});
    }, heartbeatMs);
    timer.unref();
  };

  return {
    db,
    driver: 'postgres',
    notify,
    ping,
    async listen(channel, onPayload) {
      assertChannel(channel);
      heartbeat ??= startHeartbeat().catch((error: unknown) => {
        heartbeat = undefined;
        throw error;
      });
      await heartbeat;
      return subscribe(channel, onPayload);
    },
    listenerConnected: () => connected,
    onListenerStateChange(onChange) {
      watchers.add(onChange);
      return () => {
        watchers.delete(onChange);
      };
    },
    async close() {
      clearInterval(timer);
      await client.end({ timeout: 5 });
    },
  };
}
