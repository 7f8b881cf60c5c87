import { DEFAULT_BYTE_LENGTH, generateKey, isWithin, KeyFormatError, newId } from '@keyward/core';
import {
  apis,
  type Db,
  type Key,
  keys,
  keysPermissions,
  keysRoles,
  permissions,
  roles,
  serviceAccounts,
} from '@keyward/db';
import { and, count, desc, eq, gt, ilike, inArray, isNull, like, lte, or, type SQL, sql } from 'drizzle-orm';
import type { Actor } from '../actor';
import { SCOPES } from '../actor';
import { writeAudit } from '../audit';
import { assertRole, assertScope } from '../authorize';
import { beforeCursor, pageOf, positionOf } from '../cursor';
import { badRequest, conflict, forbidden, notFound } from '../errors';
import type { KeyEvents } from '../key-events';
import type { PlanPolicy } from '../plans';
import type { SecretBox } from '../secret-box';
import { effectiveRatelimit } from './effective-ratelimit';
import { createKeyLinkOps, replaceLinks, resolveRefs } from './links';
import { createRemainingOps } from './remaining';
import { keyStatus } from './status';
import type { CreateKeyInput, KeyListFilter, KeyStatus, KeyView, UpdateKeyInput } from './types';
import { validateCommon, validateRefillSettings } from './validate';
import { findVisibleKey } from './visible-key';

export const DEFAULT_PREFIX = 'kw';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface KeyServiceDeps {
  db: Db;
  plans: PlanPolicy;
  events: KeyEvents;
  secretBox: SecretBox | undefined;
  now?: () => number;
}

export interface CreatedKey {
  key: KeyView;
  /** The plaintext; it exists only in this result. */
  secret: string;
}

export function createKeyService(deps: KeyServiceDeps) {
  const { db, plans, events, secretBox } = deps;
  const now = deps.now ?? Date.now;

  async function linkNames(keyIds: string[]) {
    const byKey = new Map<string, { permissions: string[]; roles: string[] }>();
    for (const id of keyIds) byKey.set(id, { permissions: [], roles: [] });
    if (keyIds.length === 0) return byKey;
    const [perms, rls] = await Promise.all([
      db
        .select({ keyId: keysPermissions.keyId, name: permissions.name })
        .from(keysPermissions)
        .innerJoin(permissions, eq(permissions.id, keysPermissions.permissionId))
        .where(inArray(keysPermissions.keyId, keyIds)),
      db
        .select({ keyId: keysRoles.keyId, name: roles.name })
        .from(keysRoles)
        .innerJoin(roles, eq(roles.id, keysRoles.roleId))
        .where(inArray(keysRoles.keyId, keyIds)),
    ]);
    for (const p of perms) byKey.get(p.keyId)?.permissions.push(p.name);
    for (const r of rls) byKey.get(r.keyId)?.roles.push(r.name);
    for (const v of byKey.values()) {
      v.permissions.sort();
      v.roles.sort();
    }
    return byKey;
  }

  function toView(row: Key, links: { permissions: string[]; roles: string[] }, actor: Pick<Actor, 'plan'>): KeyView {
    const { hash: _hash, recoverableCiphertext, ...rest } = row;
    return {
      ...rest,
      status: keyStatus(row, now()),
      permissions: links.permissions,
      roles: links.roles,
      recoverable: recoverableCiphertext !== null,
      ratelimit: effectiveRatelimit(row, plans.limits(actor.plan)),
    };
  }

  async function views(rows: Key[], actor: Pick<Actor, 'plan'>): Promise<KeyView[]> {
    const links = await linkNames(rows.map((r) => r.id));
    return rows.map((r) => toView(r, links.get(r.id) ?? { permissions: [], roles: [] }, actor));
  }

  /** `ownOnly`: user-scoped surfaces (Rybbit) reach only the caller's own keys, whatever the role. */
  async function loadVisible(actor: Actor, id: string, ownOnly = false): Promise<Key> {
    const row = await findVisibleKey(db, actor, id);
    if (ownOnly && row.userId !== actor.userId) throw notFound('Key not found');
    return row;
  }

  /** Names to links; permissions are created on first use, roles must exist. */
  async function setLinks(tx: Tx, organizationId: string, keyId: string, input: { permissions?: string[] | null; roles?: string[] | null }) {
    if (input.permissions != null) {
      const refs = input.permissions.map((name) => ({ name, create: true }));
      await replaceLinks(tx, keyId, 'permissions', await resolveRefs(tx, organizationId, 'permissions', refs));
    }
    if (input.roles != null) {
      const refs = input.roles.map((name) => ({ name }));
      await replaceLinks(tx, keyId, 'roles', await resolveRefs(tx, organizationId, 'roles', refs));
    }
  }

  async function resolveApiId(tx: Tx, organizationId: string, apiId: string | null | undefined): Promise<string> {
    const cond = apiId ? eq(apis.id, apiId) : eq(apis.isDefault, true);
    const [api] = await tx
      .select({ id: apis.id })
      .from(apis)
      .where(and(cond, eq(apis.organizationId, organizationId), isNull(apis.deletedAt)));
    if (!api) throw notFound(apiId ? `API ${apiId} not found` : 'This organization has no default API');
    return api.id;
  }

  function mint(prefix: string, byteLength: number | null | undefined) {
    try {
      return generateKey({ prefix, ...(byteLength != null ? { byteLength } : {}) });
    } catch (err) {
      if (err instanceof KeyFormatError) throw badRequest(err.message, /prefix/i.test(err.message) ? 'prefix' : 'byteLength');
      throw err;
    }
  }

  function ratelimitColumns(r: CreateKeyInput['ratelimit']) {
    return r
      ? { ratelimitEnabled: true, ratelimitType: r.type, ratelimitLimit: r.limit, ratelimitDuration: r.durationMs }
      : { ratelimitEnabled: false, ratelimitType: null, ratelimitLimit: null, ratelimitDuration: null };
  }

  function refillColumns(r: CreateKeyInput['refill']) {
    return r
      ? { refillInterval: r.interval, refillAmount: r.amount, refillDay: r.interval === 'monthly' ? (r.refillDay ?? 1) : null }
      : { refillInterval: null, refillAmount: null, refillDay: null };
  }

  async function create(actor: Actor, input: CreateKeyInput): Promise<CreatedKey> {
    assertScope(actor, SCOPES.keysWrite);
    const t = now();
    validateCommon(input, t);
    if (input.refill) validateRefillSettings(input.refill, input.remaining);
    const scopes = input.scopes ?? ['read-write'];
    if (actor.scopes !== null && !isWithin(actor.scopes, scopes)) {
      throw forbidden('An API key cannot mint a key with more scope than it has');
    }
    if (input.recoverable && !secretBox) {
      throw badRequest('recoverable keys need KEYWARD_ENCRYPTION_KEY to be configured on the server', 'recoverable');
    }
    // A service-account key has no user and acts as an admin, so minting one is an admin's call.
    if (input.serviceAccountId) assertRole(actor, ['owner', 'admin'], 'mint keys for service accounts');
    if (input.source === 'rybbit') plans.assertCanMintUserKeys(actor.plan);
    const minted = mint(input.prefix ?? DEFAULT_PREFIX, input.byteLength);

    const id = newId('key');
    const row = await db.transaction(async (tx) => {
      const [{ active } = { active: 0 }] = await tx
        .select({ active: count() })
        .from(keys)
        .where(and(eq(keys.organizationId, actor.organizationId), isNull(keys.revokedAt), isNull(keys.deletedAt)));
      plans.assertUnderQuota(actor.plan, active);
      const apiId = await resolveApiId(tx, actor.organizationId, input.apiId);
      if (input.serviceAccountId) {
        const [sa] = await tx
          .select({ id: serviceAccounts.id })
          .from(serviceAccounts)
          .where(and(eq(serviceAccounts.id, input.serviceAccountId), eq(serviceAccounts.organizationId, actor.organizationId)));
        if (!sa) throw notFound(`Service account ${input.serviceAccountId} not found`);
      }
      const [inserted] = await tx
        .insert(keys)
        .values({
          id,
          organizationId: actor.organizationId,
          apiId,
          hash: minted.hash,
          start: minted.start,
          prefix: minted.prefix,
          byteLength: input.byteLength ?? DEFAULT_BYTE_LENGTH,
          name: input.name ?? null,
          description: input.description ?? null,
          // A service-account key belongs to the account, not to whoever minted it.
          userId: input.serviceAccountId ? null : actor.userId,
          serviceAccountId: input.serviceAccountId ?? null,
          createdBy: actor.keyId ?? actor.userId ?? 'system',
          source: input.source,
          scopes,
          ownerId: input.ownerId ?? null,
          externalId: input.externalId ?? null,
          meta: input.meta ?? null,
          environment: input.environment ?? null,
          enabled: input.enabled ?? true,
          expiresAt: input.expiresAt ?? null,
          remaining: input.remaining ?? null,
          ...refillColumns(input.refill),
          lastRefillAt: input.refill ? new Date(t) : null,
          ...ratelimitColumns(input.ratelimit),
          recoverableCiphertext: input.recoverable && secretBox ? secretBox.seal(minted.key) : null,
        })
        .returning();
      if (!inserted) throw new Error('insert returned no row');
      await setLinks(tx, actor.organizationId, id, input);
      await writeAudit(tx, actor, {
        action: 'key.create',
        targetType: 'key',
        targetId: id,
        keyId: id,
        metadata: { name: input.name ?? null, source: input.source, start: minted.start },
      });
      return inserted;
    });
    // A verifier may have cached this hash as unknown (someone tried it before it existed).
    await events.changed({ kind: 'keys', hashes: [minted.hash] });
    const [view] = await views([row], actor);
    if (!view) throw new Error('created key vanished');
    return { key: view, secret: minted.key };
  }

  function statusCondition(status: KeyStatus, at: Date): SQL {
    const live = and(isNull(keys.revokedAt), isNull(keys.deletedAt));
    const notExpired = or(isNull(keys.expiresAt), gt(keys.expiresAt, at));
    const hasUses = or(isNull(keys.remaining), gt(keys.remaining, 0));
    switch (status) {
      case 'revoked':
        return sql`${keys.revokedAt} is not null`;
      case 'disabled':
        return and(live, eq(keys.enabled, false)) as SQL;
      case 'expired':
        return and(live, eq(keys.enabled, true), lte(keys.expiresAt, at)) as SQL;
      case 'exhausted':
        return and(live, eq(keys.enabled, true), notExpired, lte(keys.remaining, 0)) as SQL;
      case 'active':
        return and(live, eq(keys.enabled, true), notExpired, hasUses) as SQL;
    }
  }

  /** Which keys a filter selects, within what the actor may see; pagination aside. */
  function filterConditions(actor: Actor, f: Omit<KeyListFilter, 'cursor' | 'limit'>): SQL[] {
    const conds: SQL[] = [eq(keys.organizationId, actor.organizationId), isNull(keys.deletedAt)];
    if (actor.role === 'member') conds.push(eq(keys.userId, actor.userId ?? ''));
    if (f.userId) conds.push(eq(keys.userId, f.userId));
    if (f.ownerId) conds.push(eq(keys.ownerId, f.ownerId));
    if (f.externalId) conds.push(eq(keys.externalId, f.externalId));
    if (f.apiId) conds.push(eq(keys.apiId, f.apiId));
    if (f.status) conds.push(statusCondition(f.status, new Date(now())));
    if (f.search) {
      const escaped = f.search.replace(/[\\%_]/g, (c) => `\\${c}`);
      conds.push(or(ilike(keys.name, `%${escaped}%`), like(keys.start, `${escaped}%`)) as SQL);
    }
    if (f.live) conds.push(isNull(keys.revokedAt));
    return conds;
  }

  async function list(actor: Actor, f: KeyListFilter) {
    assertScope(actor, SCOPES.keysRead);
    const conds = filterConditions(actor, f);
    if (f.cursor) conds.push(beforeCursor(keys.createdAt, keys.id, f.cursor));
    const rows = await db
      .select({ row: keys, at: positionOf(keys.createdAt) })
      .from(keys)
      .where(and(...conds))
      .orderBy(desc(keys.createdAt), desc(keys.id))
      .limit(f.limit + 1);
    const page = pageOf(rows, f.limit);
    return { keys: await views(page.items, actor), nextCursor: page.nextCursor };
  }

  async function countKeys(actor: Actor, f: Omit<KeyListFilter, 'cursor' | 'limit'>): Promise<number> {
    assertScope(actor, SCOPES.keysRead);
    const [row] = await db
      .select({ n: count() })
      .from(keys)
      .where(and(...filterConditions(actor, f)));
    return row?.n ?? 0;
  }

  async function get(actor: Actor, id: string): Promise<KeyView> {
    assertScope(actor, SCOPES.keysRead);
    const [view] = await views([await loadVisible(actor, id)], actor);
    if (!view) throw notFound('Key not found');
    return view;
  }

  async function update(actor: Actor, id: string, patch: UpdateKeyInput): Promise<KeyView> {
    assertScope(actor, SCOPES.keysWrite);
    const t = now();
    validateCommon(patch, t);
    const current = await loadVisible(actor, id);
    if (current.revokedAt) throw conflict('A revoked key cannot be changed');
    if (patch.scopes && actor.scopes !== null && !isWithin(actor.scopes, patch.scopes)) {
      throw forbidden('An API key cannot grant a key more scope than it has');
    }
    const remaining = patch.remaining !== undefined ? patch.remaining : current.remaining;
    if (patch.refill) validateRefillSettings(patch.refill, remaining);
    if (patch.remaining === null && patch.refill === undefined && current.refillInterval) {
      throw badRequest('remove the refill before making the key unlimited', 'remaining');
    }

    const set: Partial<typeof keys.$inferInsert> = { updatedAt: new Date(t) };
    const simple = ['name', 'description', 'scopes', 'enabled', 'ownerId', 'externalId', 'meta', 'environment', 'expiresAt', 'remaining'] as const;
    for (const field of simple) {
      if (patch[field] !== undefined) Object.assign(set, { [field]: patch[field] });
    }
    if (patch.ratelimit !== undefined) Object.assign(set, ratelimitColumns(patch.ratelimit));
    if (patch.refill !== undefined) {
      Object.assign(set, refillColumns(patch.refill), { lastRefillAt: patch.refill ? new Date(t) : null });
    }
    const changed = Object.keys(patch).filter((k) => patch[k as keyof UpdateKeyInput] !== undefined);

    const row = await db.transaction(async (tx) => {
      const [updated] = await tx.update(keys).set(set).where(eq(keys.id, id)).returning();
      if (!updated) throw notFound('Key not found');
      await setLinks(tx, actor.organizationId, id, patch);
      await writeAudit(tx, actor, { action: 'key.update', targetType: 'key', targetId: id, keyId: id, metadata: { fields: changed } });
      return updated;
    });
    await events.changed({ kind: 'keys', hashes: [row.hash] });
    const [view] = await views([row], actor);
    if (!view) throw notFound('Key not found');
    return view;
  }

  async function revoke(actor: Actor, id: string, opts: { ownOnly?: boolean } = {}): Promise<KeyView> {
    assertScope(actor, SCOPES.keysWrite);
    const current = await loadVisible(actor, id, opts.ownOnly);
    let row = current;
    if (!current.revokedAt) {
      row = await db.transaction(async (tx) => {
        const [updated] = await tx
          .update(keys)
          .set({ revokedAt: new Date(now()), updatedAt: new Date(now()) })
          .where(eq(keys.id, id))
          .returning();
        if (!updated) throw notFound('Key not found');
        await writeAudit(tx, actor, { action: 'key.revoke', targetType: 'key', targetId: id, keyId: id });
        return updated;
      });
      await events.changed({ kind: 'keys', hashes: [row.hash] });
    }
    const [view] = await views([row], actor);
    if (!view) throw notFound('Key not found');
    return view;
  }

  /** Permanent: the row goes; the audit trail keeps its id. */
  async function remove(actor: Actor, id: string): Promise<void> {
    assertScope(actor, SCOPES.keysWrite);
    const current = await loadVisible(actor, id);
    await db.transaction(async (tx) => {
      await tx.delete(keys).where(eq(keys.id, id));
      await writeAudit(tx, actor, {
        action: 'key.delete',
        targetType: 'key',
        targetId: id,
        keyId: id,
        metadata: { name: current.name, start: current.start },
      });
    });
    await events.changed({ kind: 'keys', hashes: [current.hash] });
  }

  /**
   * New secret, same settings. The old key stays valid for `graceMs` (0 revokes it now),
   * so a deployment can roll without downtime.
   */
  async function reroll(actor: Actor, id: string, graceMs: number): Promise<CreatedKey> {
    assertScope(actor, SCOPES.keysWrite);
    if (!Number.isInteger(graceMs) || graceMs < 0 || graceMs > 30 * 24 * 3600 * 1000) {
      throw badRequest('grace period must be between 0 and 30 days in milliseconds', 'graceMs');
    }
    const old = await loadVisible(actor, id);
    if (old.revokedAt) throw conflict('A revoked key cannot be rolled');
    const t = now();
    const links = (await linkNames([id])).get(id) ?? { permissions: [], roles: [] };
    const minted = mint(old.prefix, old.byteLength);
    const newKeyId = newId('key');
    const row = await db.transaction(async (tx) => {
      const { id: _id, hash: _h, start: _s, createdAt: _c, updatedAt: _u, lastUsedAt: _a, lastUsedIp: _b, lastUsedUserAgent: _d, ...settings } = old;
      const [inserted] = await tx
        .insert(keys)
        .values({
          ...settings,
          id: newKeyId,
          hash: minted.hash,
          start: minted.start,
          rotatedFromId: old.id,
          createdBy: actor.keyId ?? actor.userId ?? 'system',
          recoverableCiphertext: old.recoverableCiphertext && secretBox ? secretBox.seal(minted.key) : null,
        })
        .returning();
      if (!inserted) throw new Error('insert returned no row');
      const graceEnd = new Date(t + graceMs);
      await tx
        .update(keys)
        .set(
          graceMs === 0
            ? { revokedAt: new Date(t), updatedAt: new Date(t) }
            : { expiresAt: old.expiresAt && old.expiresAt < graceEnd ? old.expiresAt : graceEnd, updatedAt: new Date(t) },
        )
        .where(eq(keys.id, old.id));
      await setLinks(tx, actor.organizationId, newKeyId, links);
      await writeAudit(tx, actor, {
        action: 'key.reroll',
        targetType: 'key',
        targetId: old.id,
        keyId: old.id,
        metadata: { newKeyId, graceMs, start: minted.start },
      });
      // The new key's own trail starts here, so filtering by either id shows the roll.
      await writeAudit(tx, actor, {
        action: 'key.create',
        targetType: 'key',
        targetId: newKeyId,
        keyId: newKeyId,
        metadata: { name: inserted.name, source: inserted.source, start: minted.start, rotatedFromId: old.id },
      });
      return inserted;
    });
    await events.changed({ kind: 'keys', hashes: [old.hash, minted.hash] });
    const [view] = await views([row], actor);
    if (!view) throw new Error('rolled key vanished');
    return { key: view, secret: minted.key };
  }

  async function recover(actor: Actor, id: string): Promise<string> {
    assertScope(actor, SCOPES.keysWrite);
    const row = await loadVisible(actor, id);
    if (!row.recoverableCiphertext || !secretBox) throw badRequest('This key was not created as recoverable', 'id');
    return secretBox.open(row.recoverableCiphertext);
  }

  return {
    create,
    list,
    count: countKeys,
    get,
    update,
    revoke,
    remove,
    reroll,
    recover,
    views,
    ...createKeyLinkOps({ db, events, loadVisible }),
    ...createRemainingOps({ db, events, loadVisible, now }),
  };
}

export type KeyService = ReturnType<typeof createKeyService>;
