import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseError } from './errors';
import {
  apis,
  auditLog,
  keys,
  keysRoles,
  memberships,
  organizations,
  roles,
  sessions,
  users,
} from './schema';
import { insertKey, seedOrganization } from './test-fixtures';
import type { TestDb } from './testing';
import { createTestDb, describeEachDb } from './testing';

async function violation(query: Promise<unknown>) {
  const error = await query.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(error, 'the statement should have been rejected').toBeDefined();
  return databaseError(error);
}

describeEachDb('schema', (driver) => {
  let handle: TestDb;
  beforeAll(async () => {
    handle = await createTestDb(driver);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('rejects a second key with the same hash', async () => {
    await seedOrganization(handle.db, 'org_hash');
    await insertKey(handle.db, 'org_hash', 'key_first', { hash: 'same' });

    expect(await violation(insertKey(handle.db, 'org_hash', 'key_second', { hash: 'same' }))).toEqual({
      code: '23505',
      constraint: 'keys_hash_unique',
    });
  });

  it('deleting an organization removes what it owns and nothing of other organizations', async () => {
    const doomed = await seedOrganization(handle.db, 'org_doomed');
    const kept = await seedOrganization(handle.db, 'org_kept');
    for (const { organizationId } of [doomed, kept]) {
      await insertKey(handle.db, organizationId, `${organizationId}_key`);
      await handle.db.insert(roles).values({ id: `${organizationId}_role`, organizationId, name: 'admin' });
      await handle.db
        .insert(keysRoles)
        .values({ keyId: `${organizationId}_key`, roleId: `${organizationId}_role` });
      await handle.db.insert(auditLog).values({
        id: `${organizationId}_audit`,
        organizationId,
        actorType: 'system',
        action: 'key.create',
        keyId: `${organizationId}_key`,
      });
    }
    await handle.db.insert(sessions).values({
      id: 'session_doomed',
      userId: kept.userId,
      expiresAt: new Date(Date.now() + 60_000),
      activeOrganizationId: doomed.organizationId,
    });

    await handle.db.delete(organizations).where(eq(organizations.id, doomed.organizationId));

    const orgIds = [doomed.organizationId, kept.organizationId];
    const owners = async (table: typeof keys | typeof apis | typeof roles | typeof auditLog) =>
      (await handle.db.select({ org: table.organizationId }).from(table).where(inArray(table.organizationId, orgIds)))
        .map((row) => row.org);
    expect(await owners(keys)).toEqual([kept.organizationId]);
    expect(await owners(apis)).toEqual([kept.organizationId]);
    expect(await owners(roles)).toEqual([kept.organizationId]);
    expect(await owners(auditLog)).toEqual([kept.organizationId]);
    expect(
      await handle.db
        .select({ org: memberships.organizationId })
        .from(memberships)
        .where(inArray(memberships.organizationId, orgIds)),
    ).toEqual([{ org: kept.organizationId }]);
    expect(
      await handle.db.select({ key: keysRoles.keyId }).from(keysRoles).where(inArray(keysRoles.keyId, [
        `${doomed.organizationId}_key`,
        `${kept.organizationId}_key`,
      ])),
    ).toEqual([{ key: `${kept.organizationId}_key` }]);
    // Users belong to no single organization and stay; a session pointing at the org loses it.
    expect(await handle.db.select({ id: users.id }).from(users).where(eq(users.id, doomed.userId))).toHaveLength(1);
    expect(
      await handle.db
        .select({ active: sessions.activeOrganizationId })
        .from(sessions)
        .where(eq(sessions.id, 'session_doomed')),
    ).toEqual([{ active: null }]);
  });

  describe('CHECK constraints', () => {
    beforeAll(async () => {
      await seedOrganization(handle.db, 'org_checks');
    });

    it('reject an unknown plan', async () => {
      const insert = handle.db
        .insert(organizations)
        // @ts-expect-error the column type already rules this out; the database must too
        .values({ id: 'org_bad_plan', name: 'Bad', plan: 'enterprise' });
      expect(await violation(insert)).toEqual({ code: '23514', constraint: 'organizations_plan_check' });
    });

    it('reject an unknown membership role', async () => {
      await handle.db
        .insert(users)
        .values({ id: 'user_checks', email: 'checks@example.com', name: 'C', passwordHash: 'x' });
      const insert = handle.db
        .insert(memberships)
        // @ts-expect-error the column type already rules this out; the database must too
        .values({ organizationId: 'org_checks', userId: 'user_checks', role: 'superuser' });
      expect(await violation(insert)).toEqual({ code: '23514', constraint: 'memberships_role_check' });
    });

    it('reject a negative remaining count, on insert and on update', async () => {
      expect(await violation(insertKey(handle.db, 'org_checks', 'key_negative', { remaining: -1 }))).toEqual({
        code: '23514',
        constraint: 'keys_remaining_nonnegative',
      });

      await insertKey(handle.db, 'org_checks', 'key_zero', { remaining: 0 });
      const update = handle.db.update(keys).set({ remaining: -1 }).where(eq(keys.id, 'key_zero'));
      expect(await violation(update)).toEqual({ code: '23514', constraint: 'keys_remaining_nonnegative' });
    });

    it('reject an email that is not lowercase', async () => {
      const insert = handle.db
        .insert(users)
        .values({ id: 'user_upper', email: 'Upper@Example.com', name: 'U', passwordHash: 'x' });
      expect(await violation(insert)).toEqual({ code: '23514', constraint: 'users_email_lowercase' });
    });
  });

  it('allows one default api per organization', async () => {
    await seedOrganization(handle.db, 'org_apis');
    await handle.db.insert(apis).values({ id: 'api_second', organizationId: 'org_apis', name: 'second' });

    const secondDefault = handle.db
      .insert(apis)
      .values({ id: 'api_third', organizationId: 'org_apis', name: 'third', isDefault: true });
    expect(await violation(secondDefault)).toEqual({
      code: '23505',
      constraint: 'apis_one_default_per_organization',
    });
  });

  it('round-trips jsonb and timestamps as JavaScript values', async () => {
    await seedOrganization(handle.db, 'org_types');
    const expiresAt = new Date('2030-01-02T03:04:05.678Z');
    await insertKey(handle.db, 'org_types', 'key_types', {
      scopes: ['read', 'analytics:read'],
      meta: { billingTier: 'PRO', nested: { n: 1 } },
      expiresAt,
    });

    const [key] = await handle.db.select().from(keys).where(eq(keys.id, 'key_types'));
    expect(key).toMatchObject({
      scopes: ['read', 'analytics:read'],
      meta: { billingTier: 'PRO', nested: { n: 1 } },
      expiresAt,
      enabled: true,
      ratelimitEnabled: false,
      remaining: null,
    });
    expect(key?.createdAt).toBeInstanceOf(Date);
  });
});
