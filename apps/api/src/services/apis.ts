import { newId } from '@keyward/core';
import { type Api, apis, type Db, keys } from '@keyward/db';
import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import { type Actor, SCOPES } from './actor';
import { writeAudit } from './audit';
import { assertRole, assertScope } from './authorize';
import { badRequest, conflict, notFound } from './errors';
import type { KeyEvents } from './key-events';
import type { KeyService } from './keys/service';
import type { KeyListFilter } from './keys/types';

const NAME_MAX = 200;

/** Unkey's APIs: named keyspaces of an organization. Keys minted elsewhere live in its default one. */
export function createApiService({ db, events, keys: keyService }: { db: Db; events: KeyEvents; keys: KeyService }) {
  async function create(actor: Actor, input: { name: string }): Promise<Api> {
    assertScope(actor, SCOPES.keysWrite);
    assertRole(actor, ['owner', 'admin'], 'create APIs');
    const name = input.name.trim();
    if (name.length < 1 || name.length > NAME_MAX) throw badRequest(`name must be 1-${NAME_MAX} characters`, 'name');
    return db.transaction(async (tx) => {
      const [api] = await tx.insert(apis).values({ id: newId('api'), organizationId: actor.organizationId, name }).returning();
      if (!api) throw new Error('insert returned no row');
      await writeAudit(tx, actor, { action: 'api.create', targetType: 'api', targetId: api.id, metadata: { name } });
      return api;
    });
  }

  async function get(actor: Actor, id: string): Promise<Api> {
    assertScope(actor, SCOPES.keysRead);
    const [api] = await db
      .select()
      .from(apis)
      .where(and(eq(apis.id, id), eq(apis.organizationId, actor.organizationId), isNull(apis.deletedAt)));
    if (!api) throw notFound(`API ${id} not found`);
    return api;
  }

  /** The organization's live APIs, the default one first. */
  async function list(actor: Actor): Promise<Api[]> {
    assertScope(actor, SCOPES.keysRead);
    return db
      .select()
      .from(apis)
      .where(and(eq(apis.organizationId, actor.organizationId), isNull(apis.deletedAt)))
      .orderBy(desc(apis.isDefault), asc(apis.name), asc(apis.id));
  }

  /** Soft-deletes the API and every key in it; the keys stop verifying at once. */
  async function remove(actor: Actor, id: string): Promise<void> {
    assertScope(actor, SCOPES.keysWrite);
    assertRole(actor, ['owner', 'admin'], 'delete APIs');
    const api = await get(actor, id);
    // The other surfaces mint into the default API; without it they could not mint at all.
    if (api.isDefault) throw conflict('The default API is protected from deletion', 'apiId');
    const at = new Date();
    await db.transaction(async (tx) => {
      await tx.update(apis).set({ deletedAt: at }).where(eq(apis.id, id));
      const gone = await tx
        .update(keys)
        .set({ deletedAt: at, updatedAt: at })
        .where(and(eq(keys.apiId, id), isNull(keys.deletedAt)))
        .returning({ id: keys.id });
      await writeAudit(tx, actor, { action: 'api.delete', targetType: 'api', targetId: id, metadata: { name: api.name, keys: gone.length } });
    });
    // One organization-wide invalidation instead of one message per key of a possibly large API.
    await events.changed({ kind: 'org', organizationId: actor.organizationId });
  }

  /** A page of the API's live (not revoked) keys, and how many there are in all. */
  async function listKeys(actor: Actor, id: string, filter: Omit<KeyListFilter, 'apiId' | 'live'>) {
    await get(actor, id);
    const { cursor: _cursor, limit: _limit, ...selection } = filter;
    const [page, total] = await Promise.all([
      keyService.list(actor, { ...filter, apiId: id, live: true }),
      keyService.count(actor, { ...selection, apiId: id, live: true }),
    ]);
    return { ...page, total };
  }

  return { create, get, list, remove, listKeys };
}

export type ApiService = ReturnType<typeof createApiService>;
