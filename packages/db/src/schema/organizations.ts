import { check, index, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { createdAt, oneOf, timestamptz, updatedAt } from './columns';
import { users } from './users';

export const PLANS = ['free', 'standard', 'pro'] as const;
export type Plan = (typeof PLANS)[number];

/** What happens to a key reported as leaked by a secret scanner. */
export const LEAKED_KEY_POLICIES = ['revoke', 'flag'] as const;
export type LeakedKeyPolicy = (typeof LEAKED_KEY_POLICIES)[number];

export const MEMBER_ROLES = ['owner', 'admin', 'member'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

export const organizations = pgTable(
  'organizations',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    plan: text('plan', { enum: PLANS }).notNull().default('standard'),
    leakedKeyPolicy: text('leaked_key_policy', { enum: LEAKED_KEY_POLICIES })
      .notNull()
      .default('revoke'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('organizations_plan_check', oneOf(t.plan, PLANS)),
    check('organizations_leaked_key_policy_check', oneOf(t.leakedKeyPolicy, LEAKED_KEY_POLICIES)),
  ],
);

export const memberships = pgTable(
  'memberships',
  {
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: MEMBER_ROLES }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'memberships_pk', columns: [t.organizationId, t.userId] }),
    index('memberships_user_id_idx').on(t.userId),
    check('memberships_role_check', oneOf(t.role, MEMBER_ROLES)),
  ],
);

export const invitations = pgTable(
  'invitations',
  {
    id: text('id').primaryKey(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: text('role', { enum: MEMBER_ROLES }).notNull(),
    // A plain id, not a foreign key: the invitation stays valid if the inviter leaves.
    invitedBy: text('invited_by').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamptz('expires_at').notNull(),
    acceptedAt: timestamptz('accepted_at'),
  },
  (t) => [
    index('invitations_email_idx').on(t.email),
    check('invitations_role_check', oneOf(t.role, MEMBER_ROLES)),
  ],
);

export const serviceAccounts = pgTable(
  'service_accounts',
  {
    id: text('id').primaryKey(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description'),
    // A user id or key id, like keys.created_by.
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('service_accounts_organization_created_idx').on(t.organizationId, t.createdAt)],
);
