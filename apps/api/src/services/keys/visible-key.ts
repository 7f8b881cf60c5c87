import { type Db, type Key, keys } from '@keyward/db';
import { and, eq, isNull } from 'drizzle-orm';
import type { Actor } from '../actor';
import { assertKeyAccess } from '../authorize';
import { notFound } from '../errors';

/** A live key the actor may see; any other id is "not found", so it tells nothing about others' keys. */
export async function findVisibleKey(db: Db, actor: Actor, id: string): Promise<Key> {
  const [row] = await db
    .select()
    .from(keys)
    .where(and(eq(keys.id, id), isNull(keys.deletedAt)));
  if (!row) throw notFound('Key not found');
  assertKeyAccess(actor, row);
  return row;
}
