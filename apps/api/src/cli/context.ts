import { createDb, type DbHandle, pendingMigrations } from '@keyward/db';
import { type Config, loadConfig } from '../env';
import { createLogger } from '../http/logger';
import { migrationsFolder } from '../runtime-paths';
import { createServices, type Services } from '../services';
import type { ClientInfo } from '../services/accounts';
import { broadcastKeyChanges } from '../services/verification/invalidation';

/** A mistake in how the command was called: exit code 2, with the command's usage. */
export class UsageError extends Error {}

/** Where audit entries say a CLI change came from. */
export const CLI_CLIENT: ClientInfo = { ip: null, userAgent: 'keyward-cli' };

export const migrateOptions = migrationsFolder ? { migrationsFolder } : {};

export interface Io {
  /** Results only (a key secret, an id, export lines), so they can be piped. */
  out(text: string): void;
  /** Progress, confirmations and errors. */
  err(text: string): void;
  readStdin(): Promise<string>;
}

export interface Opened {
  config: Config;
  handle: DbHandle;
  close(): Promise<void>;
}

export function openDb(config: Config = loadConfig()): Promise<DbHandle> {
  return createDb(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir });
}

/**
 * The same services the server runs, on a migrated database. Key changes are broadcast, so
 * running servers drop a revoked key from their caches at once.
 */
export async function openServices(): Promise<Opened & { services: Services }> {
  const config = loadConfig();
  const handle = await openDb(config);
  try {
    const pending = await pendingMigrations(handle, migrateOptions);
    if (pending) throw new Error(`the database has ${pending} migration(s) to apply; run \`keyward migrate\` first`);
  } catch (err) {
    await handle.close();
    throw err;
  }
  const log = createLogger('warn', process.stderr);
  const services = createServices(handle, config, { log });
  const stopBroadcast = broadcastKeyChanges(handle, services.events, log);
  return {
    config,
    handle,
    services,
    async close() {
      stopBroadcast();
      await services.close();
      await handle.close();
    },
  };
}
