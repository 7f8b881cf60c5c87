import { createHash, randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import postgres from 'postgres';
import { describe } from 'vitest';
import type { DbConfig } from './create-db';
import { createDb } from './create-db';
import type { DbHandle } from './handle';
import { migrate } from './migrate';
import { createPgliteHandle } from './pglite';

export const TEST_DRIVERS = ['pglite', 'postgres'] as const;
export type TestDriver = (typeof TEST_DRIVERS)[number];

export interface TestDb extends DbHandle {
  /** The database's connection string; PostgreSQL only. */
  url?: string;
  /**
   * Another handle on the same database, as a second API instance would have. It is closed with
   * this one. On PGlite both share the one embedded instance and `options` do not apply.
   */
  connect(options?: ConnectOptions): Promise<DbHandle>;
}

export type ConnectOptions = Pick<DbConfig, 'max' | 'listenerHeartbeatMs'>;

export interface TestDbOptions {
  /** Apply this package's migrations (default true); false gives an empty database. */
  migrated?: boolean;
}

/** Runs `fn` once per driver; the driver name appears in the test names. */
export function describeEachDb(name: string, fn: (driver: TestDriver) => void): void {
  describe.each(TEST_DRIVERS)(`${name} [%s]`, fn);
}

/** A database of its own, so test files and suites can run in parallel. Close it when done. */
export async function createTestDb(driver: TestDriver, options: TestDbOptions = {}): Promise<TestDb> {
  const migrated = options.migrated ?? true;
  return driver === 'pglite' ? createPgliteTestDb(migrated) : createPostgresTestDb(migrated);
}

// initdb takes seconds in PGlite; loading a dump of an already migrated database takes a
// fraction of that. Test files run in module contexts of their own, so the dump is also kept
// on disk, keyed by the migrations and the PGlite build, and made once per machine.
let pgliteTemplate: Promise<Blob> | undefined;

function templateFile(): string {
  const migrations = readMigrationFiles({ migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)) });
  const key = createHash('sha256')
    .update(createRequire(import.meta.url).resolve('@electric-sql/pglite'))
    .update(migrations.map((m) => m.hash).join(','))
    .digest('hex')
    .slice(0, 16);
  return join(tmpdir(), `keyward-pglite-template-${key}.tar`);
}

async function loadPgliteTemplate(): Promise<Blob> {
  const file = templateFile();
  try {
    return new Blob([await readFile(file)]);
  } catch {
    // Not built on this machine yet.
  }
  const blob = await buildPgliteTemplate();
  // Written aside and renamed, so a test process running alongside never reads half a file.
  const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(partial, Buffer.from(await blob.arrayBuffer()));
  await rename(partial, file);
  return blob;
}

async function buildPgliteTemplate(): Promise<Blob> {
  const client = await PGlite.create();
  try {
    await migrate(createPgliteHandle(client, { ownsClient: false }));
    return await client.dumpDataDir('none');
  } finally {
    await client.close();
  }
}

async function createPgliteTestDb(migrated: boolean): Promise<TestDb> {
  let client: PGlite;
  if (migrated) {
    pgliteTemplate ??= loadPgliteTemplate();
    client = await PGlite.create({ loadDataDir: await pgliteTemplate });
  } else {
    client = await PGlite.create();
  }
  const main = createPgliteHandle(client, { ownsClient: true });
  return withConnect(main, async () => createPgliteHandle(client, { ownsClient: false }), async () => {});
}

async function createPostgresTestDb(migrated: boolean): Promise<TestDb> {
  const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `kw_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } catch (error) {
    await admin.end();
    throw error;
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const open = (options?: ConnectOptions) => createDb({ ...options, url: url.href });
  const drop = async () => {
    try {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
    } finally {
      await admin.end();
    }
  };

  const main = await open();
  if (migrated) {
    try {
      await migrate(main);
    } catch (error) {
      await main.close();
      await drop();
      throw error;
    }
  }
  return { ...withConnect(main, open, drop), url: url.href };
}

function withConnect(
  main: DbHandle,
  open: (options?: ConnectOptions) => Promise<DbHandle>,
  dispose: () => Promise<void>,
): TestDb {
  const others = new Set<DbHandle>();
  return {
    ...main,
    async connect(options) {
      const handle = await open(options);
      others.add(handle);
      return handle;
    },
    async close() {
      await Promise.all([...others].map((handle) => handle.close()));
      await main.close();
      await dispose();
    },
  };
}
