import { newId } from '@keyward/core';
import { type Db, type Key, keysPermissions, keysRoles, permissions, roles } from '@keyward/db';
import { and, eq, inArray, or, type SQL } from 'drizzle-orm';
import { type Actor, SCOPES } from '../actor';
import { writeAudit } from '../audit';
import { assertScope } from '../authorize';
import { badRequest, conflict, notFound } from '../errors';
import type { KeyEvents } from '../key-events';
import { LIMITS, validateNames } from './validate';

export type LinkKind = 'permissions' | 'roles';
export type LinkOp = 'add' | 'set' | 'remove';

/** A permission or role named by id or by name; `create` makes a missing name exist. */
export interface LinkRef {
  id?: string | undefined;
  name?: string | undefined;
  create?: boolean | undefined;
}

export interface Linked {
  id: string;
  name: string;
}

type Executor = Pick<Db, 'select' | 'insert' | 'delete'>;

const tableOf = (kind: LinkKind) => (kind === 'permissions' ? permissions : roles);
const singular = (kind: LinkKind) => (kind === 'permissions' ? 'permission' : 'role');

/**
 * The one way a permission or role reference becomes a row of the organization: by id, or by
 * name (created first when the reference asks for it). Anything missing is a 404 naming it.
 */
export async function resolveRefs(tx: Executor, organizationId: string, kind: LinkKind, refs: readonly LinkRef[]): Promise<Linked[]> {
  if (refs.length === 0) return [];
  if (refs.length > LIMITS.listLength) throw badRequest(`${kind} may hold at most ${LIMITS.listLength} entries`, kind);
  const ids: string[] = [];
  const names: string[] = [];
  for (const [i, ref] of refs.entries()) {
    if (ref.id) ids.push(ref.id);
    else if (ref.name) names.push(ref.name);
    else throw badRequest(`${kind}[${i}] needs an id or a name`, kind);
  }
  validateNames(names, kind);

  const table = tableOf(kind);
  const toCreate = [...new Set(refs.filter((r) => !r.id && r.name && r.create).map((r) => r.name as string))];
  if (toCreate.length > 0) {
    await tx
      .insert(table)
      .values(toCreate.map((name) => ({ id: newId(kind === 'permissions' ? 'perm' : 'role'), organizationId, name })))
      .onConflictDoNothing();
  }
  const match: SQL[] = [];
  if (ids.length) match.push(inArray(table.id, ids));
  if (names.length) match.push(inArray(table.name, names));
  const rows = await tx
    .select({ id: table.id, name: table.name })
    .from(table)
    .where(and(eq(table.organizationId, organizationId), or(...match)));
  const missing = [
    ...ids.filter((id) => !rows.some((r) => r.id === id)),
    ...names.filter((name) => !rows.some((r) => r.name === name)),
  ];
  if (missing.length > 0) throw notFound(`${singular(kind)} not found: ${[...new Set(missing)].join(', ')}`);
  return rows;
}

/** Replaces a key's links of one kind with exactly these rows. */
export async function replaceLinks(tx: Executor, keyId: string, kind: LinkKind, rows: readonly Linked[]): Promise<void> {
  await unlink(tx, keyId, kind, null);
  await link(tx, keyId, kind, rows);
}

async function link(tx: Executor, keyId: string, kind: LinkKind, rows: readonly Linked[]): Promise<void> {
  if (rows.length === 0) return;
  if (kind === 'permissions') {
    await tx
      .insert(keysPermissions)
      .values(rows.map((r) => ({ keyId, permissionId: r.id })))
      .onConflictDoNothing();
  } else {
    await tx
      .insert(keysRoles)
      .values(rows.map((r) => ({ keyId, roleId: r.id })))
      .onConflictDoNothing();
  }
}

/** Removes the given links, or all of them when `rows` is null. */
async function unlink(tx: Executor, keyId: string, kind: LinkKind, rows: readonly Linked[] | null): Promise<void> {
  if (rows?.length === 0) return;
  const ids = rows?.map((r) => r.id);
  if (kind === 'permissions') {
    const only = ids ? inArray(keysPermissions.permissionId, ids) : undefined;
    await tx.delete(keysPermissions).where(and(eq(keysPermissions.keyId, keyId), only));
  } else {
    const only = ids ? inArray(keysRoles.roleId, ids) : undefined;
    await tx.delete(keysRoles).where(and(eq(keysRoles.keyId, keyId), only));
  }
}

async function linkedTo(tx: Executor, keyId: string, kind: LinkKind): Promise<Linked[]> {
  const rows =
    kind === 'permissions'
      ? await tx
          .select({ id: permissions.id, name: permissions.name })
          .from(keysPermissions)
          .innerJoin(permissions, eq(permissions.id, keysPermissions.permissionId))
          .where(eq(keysPermissions.keyId, keyId))
      : await tx
          .select({ id: roles.id, name: roles.name })
          .from(keysRoles)
          .innerJoin(roles, eq(roles.id, keysRoles.roleId))
          .where(eq(keysRoles.keyId, keyId));
  return rows.sort((a, b) => a.name.localeCompare(b.name));
}

export interface KeyLinkDeps {
  db: Db;
  events: KeyEvents;
  loadVisible(actor: Actor, id: string): Promise<Key>;
}

/** Adding, replacing and removing a key's permissions and roles one kind at a time (Unkey's keys.add/set/removeX). */
export function createKeyLinkOps({ db, events, loadVisible }: KeyLinkDeps) {
  /** Returns what the key is linked to afterwards. */
  async function changeLinks(actor: Actor, keyId: string, kind: LinkKind, op: LinkOp, refs: readonly LinkRef[]): Promise<Linked[]> {
    assertScope(actor, SCOPES.keysWrite);
    const key = await loadVisible(actor, keyId);
    if (key.revokedAt) throw conflict('A revoked key cannot be changed');
    // Removing never creates what it removes.
    const targets = op === 'remove' ? refs.map(({ id, name }) => ({ id, name })) : refs;
    const linked = await db.transaction(async (tx) => {
      const rows = await resolveRefs(tx, actor.organizationId, kind, targets);
      if (op === 'set') await replaceLinks(tx, keyId, kind, rows);
      else if (op === 'add') await link(tx, keyId, kind, rows);
      else await unlink(tx, keyId, kind, rows);
      await writeAudit(tx, actor, {
        action: 'key.update',
        targetType: 'key',
        targetId: keyId,
        keyId,
        metadata: { fields: [kind], op, [kind]: rows.map((r) => r.name) },
      });
      return linkedTo(tx, keyId, kind);
    });
    await events.changed({ kind: 'keys', hashes: [key.hash] });
    return linked;
  }

  /** Resolves references without touching a key, e.g. to hand names to `update`. */
  function resolveLinks(actor: Actor, kind: LinkKind, refs: readonly LinkRef[]): Promise<Linked[]> {
    assertScope(actor, SCOPES.keysWrite);
    return db.transaction((tx) => resolveRefs(tx, actor.organizationId, kind, refs));
  }

  return { changeLinks, resolveLinks };
}
