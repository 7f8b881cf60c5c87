import { fileURLToPath } from 'node:url';
import { max, sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { bigint, pgSchema, serial, text } from 'drizzle-orm/pg-core';
import { databaseError } from './errors';
import type { DbHandle } from './handle';

const UNDEFINED_TABLE = '42P01';

// drizzle-kit's own bookkeeping table, so this and `drizzle-kit migrate` agree on what has run.
export const appliedMigrations = pgSchema('drizzle').table('__drizzle_migrations', {
  id: serial('id').primaryKey(),
  hash: text('hash').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }),
});

const packagedMigrations = fileURLToPath(new URL('../drizzle', import.meta.url));

export interface MigrateOptions {
  /** Folder with drizzle-kit's SQL files and meta/_journal.json; default: this package's. */
  migrationsFolder?: string;
}

/**
 * How many of the folder's migrations the database has not applied yet (0 = current), by the
 * same rule `migrate` uses. Read-only, so readiness checks can ask it on every probe.
 */
export async function pendingMigrations(handle: DbHandle, options: MigrateOptions = {}): Promise<number> {
  const migrations = readMigrationFiles({ migrationsFolder: options.migrationsFolder ?? packagedMigrations });
  let lastApplied = Number.NEGATIVE_INFINITY;
  try {
    const [last] = await handle.db.select({ createdAt: max(appliedMigrations.createdAt) }).from(appliedMigrations);
    lastApplied = last?.createdAt ?? lastApplied;
  } catch (error) {
    // No bookkeeping table yet: a database nothing was ever applied to.
    if (databaseError(error)?.code !== UNDEFINED_TABLE) throw error;
  }
  return migrations.filter((m) => m.folderMillis > lastApplied).length;
}

/**
 * Applies pending migrations in one transaction, with drizzle's bookkeeping. drizzle-orm's own
 * migrator begins its transaction on any pooled connection, so a lock around it would have to
 * be held on a second connection (a deadlock with a pool of one). Instead this takes a
 * transaction-scoped advisory lock first: instances that start together wait for each other,
 * and the later ones find nothing left to do.
 */
export async function migrate(handle: DbHandle, options: MigrateOptions = {}): Promise<void> {
  const migrations = readMigrationFiles({
    migrationsFolder: options.migrationsFolder ?? packagedMigrations,
  });
  await handle.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('keyward.migrate'))`);
    await tx.execute(sql`create schema if not exists drizzle`);
    await tx.execute(sql`
      create table if not exists drizzle.__drizzle_migrations (
        id serial primary key,
        hash text not null,
        created_at bigint
      )
    `);
    const [last] = await tx.select({ createdAt: max(appliedMigrations.createdAt) }).from(appliedMigrations);
    const lastApplied = last?.createdAt ?? Number.NEGATIVE_INFINITY;
    for (const migration of migrations) {
      if (migration.folderMillis <= lastApplied) continue;
      for (const statement of migration.sql) await tx.execute(sql.raw(statement));
      await tx.insert(appliedMigrations).values({ hash: migration.hash, createdAt: migration.folderMillis });
    }
  });
}
