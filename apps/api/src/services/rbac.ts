import { isValidPermissionName, newId } from '@keyward/core';
import { type Db, type Permission, permissions, type Role, roles, rolesPermissions } from '@keyward/db';
import { and, asc, eq } from 'drizzle-orm';
import { type Actor, SCOPES } from './actor';
import { writeAudit } from './audit';
import { assertRole, assertScope } from './authorize';
import { badRequest, conflict, notFound } from './errors';
import type { KeyEvents } from './key-events';
import { resolveRefs } from './keys/links';
import { validateText } from './keys/validate';

const DESCRIPTION_MAX = 1000;

export interface RbacInput {
  name: string;
  description?: string | null | undefined;
}

export interface RoleInput extends RbacInput {
  /** Permission names granted to the role; created on first use, as keys do. */
  permissions?: readonly string[] | undefined;
}

/**
 * The organization's permission and role catalogue (Unkey's permissions.*). Keys link to these;
 * verification matches permission names, so a delete changes what keys may do at once.
 */
export function createRbacService({ db, events }: { db: Db; events: KeyEvents }) {
  function validate(input: RbacInput, what: 'permission' | 'role'): void {
    if (!isValidPermissionName(input.name)) {
      throw badRequest(`name: a ${what} name is 1-512 characters of a-z A-Z 0-9 _ . : * -`, 'name');
    }
    validateText(input.description, 'description', DESCRIPTION_MAX);
  }

  function manage(actor: Actor, what: string): void {
    assertScope(actor, SCOPES.keysWrite);
    assertRole(actor, ['owner', 'admin'], what);
  }

  async function createPermission(actor: Actor, input: RbacInput): Promise<Permission> {
    manage(actor, 'create permissions');
    validate(input, 'permission');
    return db.transaction(async (tx) => {
      const [created] = await tx
        .insert(permissions)
        .values({ id: newId('perm'), organizationId: actor.organizationId, name: input.name, description: input.description ?? null })
        .onConflictDoNothing()
        .returning();
      if (!created) throw conflict(`A permission named ${input.name} already exists`, 'name');
      await writeAudit(tx, actor, { action: 'permission.create', targetType: 'permission', targetId: created.id, metadata: { name: created.name } });
      return created;
    });
  }

  async function getPermission(actor: Actor, id: string): Promise<Permission> {
    assertScope(actor, SCOPES.keysRead);
    const [row] = await db
      .select()
      .from(permissions)
      .where(and(eq(permissions.id, id), eq(permissions.organizationId, actor.organizationId)));
    if (!row) throw notFound(`permission ${id} not found`);
    return row;
  }

  async function listPermissions(actor: Actor): Promise<Permission[]> {
    assertScope(actor, SCOPES.keysRead);
    return db.select().from(permissions).where(eq(permissions.organizationId, actor.organizationId)).orderBy(asc(permissions.name));
  }

  async function deletePermission(actor: Actor, id: string): Promise<void> {
    manage(actor, 'delete permissions');
    const row = await getPermission(actor, id);
    await db.transaction(async (tx) => {
      await tx.delete(permissions).where(eq(permissions.id, id));
      await writeAudit(tx, actor, { action: 'permission.delete', targetType: 'permission', targetId: id, metadata: { name: row.name } });
    });
    // Every key holding it, directly or through a role, loses it; one org-wide invalidation covers them all.
    await events.changed({ kind: 'org', organizationId: actor.organizationId });
  }

  async function createRole(actor: Actor, input: RoleInput): Promise<Role> {
    manage(actor, 'create roles');
    validate(input, 'role');
    return db.transaction(async (tx) => {
      const [created] = await tx
        .insert(roles)
        .values({ id: newId('role'), organizationId: actor.organizationId, name: input.name, description: input.description ?? null })
        .onConflictDoNothing()
        .returning();
      if (!created) throw conflict(`A role named ${input.name} already exists`, 'name');
      const refs = (input.permissions ?? []).map((name) => ({ name, create: true }));
      const granted = await resolveRefs(tx, actor.organizationId, 'permissions', refs);
      if (granted.length > 0) {
        await tx.insert(rolesPermissions).values(granted.map((p) => ({ roleId: created.id, permissionId: p.id })));
      }
      await writeAudit(tx, actor, {
        action: 'role.create',
        targetType: 'role',
        targetId: created.id,
        metadata: { name: created.name, permissions: granted.map((p) => p.name) },
      });
      return created;
    });
  }

  async function getRole(actor: Actor, id: string): Promise<Role> {
    assertScope(actor, SCOPES.keysRead);
    const [row] = await db
      .select()
      .from(roles)
      .where(and(eq(roles.id, id), eq(roles.organizationId, actor.organizationId)));
    if (!row) throw notFound(`role ${id} not found`);
    return row;
  }

  /** The organization's roles, each with the names of the permissions it grants. */
  async function listRoles(actor: Actor): Promise<(Role & { permissions: string[] })[]> {
    assertScope(actor, SCOPES.keysRead);
    const [rows, grants] = await Promise.all([
      db.select().from(roles).where(eq(roles.organizationId, actor.organizationId)).orderBy(asc(roles.name)),
      db
        .select({ roleId: rolesPermissions.roleId, name: permissions.name })
        .from(rolesPermissions)
        .innerJoin(permissions, eq(permissions.id, rolesPermissions.permissionId))
        .where(eq(permissions.organizationId, actor.organizationId))
        .orderBy(asc(permissions.name)),
    ]);
    const byRole = new Map<string, string[]>();
    for (const g of grants) byRole.set(g.roleId, [...(byRole.get(g.roleId) ?? []), g.name]);
    return rows.map((r) => ({ ...r, permissions: byRole.get(r.id) ?? [] }));
  }

  async function deleteRole(actor: Actor, id: string): Promise<void> {
    manage(actor, 'delete roles');
    const row = await getRole(actor, id);
    await db.transaction(async (tx) => {
      await tx.delete(roles).where(eq(roles.id, id));
      await writeAudit(tx, actor, { action: 'role.delete', targetType: 'role', targetId: id, metadata: { name: row.name } });
    });
    await events.changed({ kind: 'org', organizationId: actor.organizationId });
  }

  return { createPermission, getPermission, listPermissions, deletePermission, createRole, getRole, listRoles, deleteRole };
}

export type RbacService = ReturnType<typeof createRbacService>;
