import { index, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt } from './columns';
import { keys } from './keys';
import { organizations } from './organizations';

export const roles = pgTable(
  'roles',
  {
    id: text('id').primaryKey(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('roles_organization_name_unique').on(t.organizationId, t.name)],
);

export const permissions = pgTable(
  'permissions',
  {
    id: text('id').primaryKey(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('permissions_organization_name_unique').on(t.organizationId, t.name)],
);

export const rolesPermissions = pgTable(
  'roles_permissions',
  {
    roleId: text('role_id')
      .notNull()
      .references(() => roles.id, { onDelete: 'cascade' }),
    permissionId: text('permission_id')
      .notNull()
      .references(() => permissions.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ name: 'roles_permissions_pk', columns: [t.roleId, t.permissionId] }),
    index('roles_permissions_permission_id_idx').on(t.permissionId),
  ],
);

export const keysRoles = pgTable(
  'keys_roles',
  {
    keyId: text('key_id')
      .notNull()
      .references(() => keys.id, { onDelete: 'cascade' }),
    roleId: text('role_id')
      .notNull()
      .references(() => roles.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ name: 'keys_roles_pk', columns: [t.keyId, t.roleId] }),
    index('keys_roles_role_id_idx').on(t.roleId),
  ],
);

export const keysPermissions = pgTable(
  'keys_permissions',
  {
    keyId: text('key_id')
      .notNull()
      .references(() => keys.id, { onDelete: 'cascade' }),
    permissionId: text('permission_id')
      .notNull()
      .references(() => permissions.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ name: 'keys_permissions_pk', columns: [t.keyId, t.permissionId] }),
    index('keys_permissions_permission_id_idx').on(t.permissionId),
  ],
);
