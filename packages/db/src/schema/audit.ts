import { check, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, oneOf } from './columns';
import { organizations } from './organizations';

export const ACTOR_TYPES = ['user', 'key', 'system'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

export const auditLog = pgTable(
  'audit_log',
  {
    id: text('id').primaryKey(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    actorType: text('actor_type', { enum: ACTOR_TYPES }).notNull(),
    actorId: text('actor_id'),
    /** Dotted verb such as `key.create`. */
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    // Deliberately not a foreign key: the trail must outlive a permanently deleted key.
    keyId: text('key_id'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [
    index('audit_log_organization_created_idx').on(t.organizationId, t.createdAt),
    index('audit_log_organization_key_created_idx').on(t.organizationId, t.keyId, t.createdAt),
    index('audit_log_organization_actor_created_idx').on(t.organizationId, t.actorId, t.createdAt),
    check('audit_log_actor_type_check', oneOf(t.actorType, ACTOR_TYPES)),
  ],
);
