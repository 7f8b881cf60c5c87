import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import type { DbHandle } from './handle';
import { createPgliteHandle } from './pglite';
import { createPostgresHandle } from './postgres';

export interface DbConfig {
  /** PostgreSQL connection string. When set (non-empty), postgres.js is used; otherwise PGlite. */
  url?: string;
  /** PGlite data directory, created if missing. Default `.data/pglite`, relative to the cwd. */
  dataDir?: string;
  /** PGlite in memory, nothing persisted; takes precedence over `dataDir`. */
  memory?: boolean;
  /** PostgreSQL pool size (default 10). PGlite is a single connection. */
  max?: number;
  /** PostgreSQL only: how often the listener's liveness is checked (default 5000 ms). */
  listenerHeartbeatMs?: number;
}

export async function createDb(config: DbConfig = {}): Promise<DbHandle> {
  if (config.url) return createPostgresHandle(config.url, config);
  if (config.memory) return createPgliteHandle(await PGlite.create(), { ownsClient: true });
  const dataDir = config.dataDir ?? '.data/pglite';
  await mkdir(dataDir, { recursive: true });
  return createPgliteHandle(await PGlite.create(dataDir), { ownsClient: true });
}
