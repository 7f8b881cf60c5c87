import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './schema';

export type Schema = typeof schema;

/** One database type for both drivers; a transaction (`tx`) is also a `Db`. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export type DbDriver = 'pglite' | 'postgres';

export interface DbHandle {
  db: Db;
  driver: DbDriver;
  /** Subscribes to a channel; resolves once LISTEN is active, to a function that unsubscribes. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  /**
   * Whether notifications are being delivered. Always true on PGlite (in process, nothing can be
   * lost). On PostgreSQL: false until the first `listen`, then kept up to date by a heartbeat
   * through the listener connection.
   */
  listenerConnected(): boolean;
  /**
   * Called with `false` when the listener stops delivering and with `true` when it delivers again,
   * including after every reconnect: notifications published while it was down are lost, so treat
   * each `true` as "drop what you cached". It may repeat `true` (once per channel on a reconnect).
   * Never called on PGlite. Returns a function that unsubscribes.
   */
  onListenerStateChange(onChange: (connected: boolean) => void): () => void;
  /** Resolves when the database answers a query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

// Lowercase identifiers only: PGlite lowercases unquoted channel names and interpolates them
// into LISTEN unescaped, while postgres.js quotes them, so anything else behaves differently.
const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertChannel(channel: string): void {
  if (!CHANNEL.test(channel)) {
    throw new Error(
      `Invalid channel name ${JSON.stringify(channel)}: use at most 63 lowercase letters, digits and underscores`,
    );
  }
}

/** The handle operations that are plain SQL, identical on both drivers. */
export function sqlOperations(db: Db): Pick<DbHandle, 'notify' | 'ping'> {
  return {
    async notify(channel, payload) {
      assertChannel(channel);
      await db.execute(sql`select pg_notify(${channel}, ${payload})`);
    },
    async ping() {
      await db.execute(sql`select 1`);
    },
  };
}
