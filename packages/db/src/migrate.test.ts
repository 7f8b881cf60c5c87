import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { count, eq } from 'drizzle-orm';
import { pgSchema, text } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import journal from '../drizzle/meta/_journal.json';
import { createDb } from './create-db';
import type { Db } from './handle';
import { appliedMigrations, migrate } from './migrate';
import { organizations } from './schema';
import { createTestDb, describeEachDb } from './testing';

const EXPECTED_TABLES = [
  'apis',
  'audit_log',
  'auth_throttle',
  'idempotency_records',
  'invitations',
  'keys',
  'keys_permissions',
  'keys_roles',
  'memberships',
  'organizations',
  'permissions',
  'roles',
  'roles_permissions',
  'service_accounts',
  'sessions',
  'users',
  'verification_counts',
];

const informationSchemaTables = pgSchema('information_schema').table('tables', {
  tableSchema: text('table_schema'),
  tableName: text('table_name'),
});

async function publicTables(db: Db): Promise<string[]> {
  const rows = await db
    .select({ name: informationSchemaTables.tableName })
    .from(informationSchemaTables)
    .where(eq(informationSchemaTables.tableSchema, 'public'));
  return rows.map((row) => row.name ?? '').sort();
}

async function appliedCount(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(appliedMigrations);
  return row?.n ?? 0;
}

describeEachDb('migrations', (driver) => {
  it('apply to an empty database, and applying them again changes nothing', async () => {
    const handle = await createTestDb(driver, { migrated: false });
    try {
      expect(await publicTables(handle.db)).toEqual([]);

      await migrate(handle);
      expect(await publicTables(handle.db)).toEqual(EXPECTED_TABLES);
      expect(await appliedCount(handle.db)).toBe(journal.entries.length);

      await migrate(handle);
      expect(await publicTables(handle.db)).toEqual(EXPECTED_TABLES);
      expect(await appliedCount(handle.db)).toBe(journal.entries.length);
    } finally {
      await handle.close();
    }
  });

  it('lets instances that start together migrate the same database without colliding', async () => {
    const handle = await createTestDb(driver, { migrated: false });
    try {
      const others = await Promise.all([handle.connect(), handle.connect()]);
      await Promise.all([handle, ...others].map((instance) => migrate(instance)));

      expect(await publicTables(handle.db)).toEqual(EXPECTED_TABLES);
      expect(await appliedCount(handle.db)).toBe(journal.entries.length);
    } finally {
      await handle.close();
    }
  });
});

describe('PGlite persisted in a data directory', () => {
  it('keeps schema and data across close and reopen', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'keyward-pglite-'));
    try {
      const first = await createDb({ dataDir });
      await migrate(first);
      await first.db.insert(organizations).values({ id: 'org_persisted', name: 'Persisted' });
      await first.close();

      const reopened = await createDb({ dataDir });
      try {
        await migrate(reopened);
        expect(await appliedCount(reopened.db)).toBe(journal.entries.length);
        const rows = await reopened.db.select().from(organizations);
        expect(rows).toMatchObject([{ id: 'org_persisted', name: 'Persisted', plan: 'standard' }]);
        expect(rows[0]?.createdAt).toBeInstanceOf(Date);
      } finally {
        await reopened.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
