import type { Db } from './handle';
import type { NewKey } from './schema';
import { apis, keys, memberships, organizations, users } from './schema';

/** An organization with its default api and an owner; ids derive from `id`. */
export async function seedOrganization(db: Db, id: string) {
  const ids = { organizationId: id, apiId: `${id}_api`, userId: `${id}_owner` };
  await db.insert(organizations).values({ id, name: id });
  await db.insert(apis).values({ id: ids.apiId, organizationId: id, name: 'default', isDefault: true });
  await db
    .insert(users)
    .values({ id: ids.userId, email: `${ids.userId}@example.com`, name: 'Owner', passwordHash: 'x' });
  await db.insert(memberships).values({ organizationId: id, userId: ids.userId, role: 'owner' });
  return ids;
}

export async function insertKey(
  db: Db,
  organizationId: string,
  id: string,
  overrides: Partial<NewKey> = {},
): Promise<void> {
  await db.insert(keys).values({
    id,
    organizationId,
    apiId: `${organizationId}_api`,
    hash: `hash_${id}`,
    start: 'kw_test_abcd',
    prefix: 'kw_test',
    source: 'unkey',
    ...overrides,
  });
}
