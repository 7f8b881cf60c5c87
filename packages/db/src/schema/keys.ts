import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { createdAt, oneOf, timestamptz, updatedAt } from './columns';
import { organizations, serviceAccounts } from './organizations';
import { users } from './users';

/** The surface that minted a key, one per documented API plus the dashboard and the CLI. */
export const KEY_SOURCES = ['dashboard', 'rybbit', 'org', 'unkey', 'wubble', 'cli'] as const;
export type KeySource = (typeof KEY_SOURCES)[number];

export const REFILL_INTERVALS = ['daily', 'monthly'] as const;
export type RefillInterval = (typeof REFILL_INTERVALS)[number];

export const RATELIMIT_TYPES = ['fast', 'consistent'] as const;
export type RatelimitType = (typeof RATELIMIT_TYPES)[number];

/** Unkey's keyspaces; keys minted on the other surfaces live in the organization's default api. */
export const apis = pgTable(
  'apis',
  {
    id: text('id').primaryKey(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    isDefault: boolean('is_default').notNull().default(false),
    createdAt: createdAt(),
    deletedAt: timestamptz('deleted_at'),
  },
  (t) => [
    index('apis_organization_id_idx').on(t.organizationId),
    uniqueIndex('apis_one_default_per_organization')
      .on(t.organizationId)
      .where(sql`${t.isDefault}`),
  ],
);

export const keys = pgTable(
  'keys',
  {
    id: text('id').primaryKey(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    apiId: text('api_id')
      .notNull()
      .references(() => apis.id, { onDelete: 'cascade' }),
    /** SHA-256 of the whole key; the plaintext is never stored. */
    hash: text('hash').notNull(),
    /** Prefix plus the first body characters, for display. */
    start: text('start').notNull(),
    prefix: text('prefix').notNull(),
    /** Random bytes in the body, so a reroll mints the new secret at the same strength. */
    byteLength: integer('byte_length').notNull().default(16),
    name: text('name'),
    description: text('description'),
    /**
     * The user the key acts for. Deleting the user deletes the key: a key left without its
     * user would otherwise read as a user-less (admin-level) key.
     */
    userId: text('user_id').references(() => users.id, { onDelete: 'cascade' }),
    serviceAccountId: text('service_account_id').references(() => serviceAccounts.id, {
      onDelete: 'set null',
    }),
    /** A user id or, for keys minted with a root key, that key's id. */
    createdBy: text('created_by'),
    source: text('source', { enum: KEY_SOURCES }).notNull(),
    scopes: jsonb('scopes').$type<string[]>().notNull().default([]),
    ownerId: text('owner_id'),
    externalId: text('external_id'),
    meta: jsonb('meta').$type<Record<string, unknown>>(),
    environment: text('environment'),
    enabled: boolean('enabled').notNull().default(true),
    expiresAt: timestamptz('expires_at'),
    revokedAt: timestamptz('revoked_at'),
    deletedAt: timestamptz('deleted_at'),
    /** Uses left; null means unlimited. Decremented atomically by verification. */
    remaining: integer('remaining'),
    refillInterval: text('refill_interval', { enum: REFILL_INTERVALS }),
    refillAmount: integer('refill_amount'),
    refillDay: integer('refill_day'),
    lastRefillAt: timestamptz('last_refill_at'),
    ratelimitEnabled: boolean('ratelimit_enabled').notNull().default(false),
    ratelimitType: text('ratelimit_type', { enum: RATELIMIT_TYPES }),
    ratelimitLimit: integer('ratelimit_limit'),
    /** Window length in milliseconds. */
    ratelimitDuration: integer('ratelimit_duration'),
    /** AES-256-GCM blob (base64) of the plaintext, only for keys created as recoverable. */
    recoverableCiphertext: text('recoverable_ciphertext'),
    /** The key this one was rerolled from; a plain id so the chain survives a permanent delete. */
    rotatedFromId: text('rotated_from_id'),
    lastUsedAt: timestamptz('last_used_at'),
    lastUsedIp: text('last_used_ip'),
    lastUsedUserAgent: text('last_used_user_agent'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('keys_hash_unique').on(t.hash),
    index('keys_organization_created_idx').on(t.organizationId, t.createdAt, t.id),
    index('keys_api_created_idx').on(t.apiId, t.createdAt, t.id),
    index('keys_user_id_idx').on(t.userId),
    // Lets ON DELETE SET NULL find a service account's keys without scanning the table.
    index('keys_service_account_id_idx').on(t.serviceAccountId),
    index('keys_organization_owner_idx').on(t.organizationId, t.ownerId),
    index('keys_organization_external_idx').on(t.organizationId, t.externalId),
    check('keys_remaining_nonnegative', sql`${t.remaining} >= 0`),
    check('keys_refill_day_range', sql`${t.refillDay} between 1 and 31`),
    check('keys_source_check', oneOf(t.source, KEY_SOURCES)),
    check('keys_refill_interval_check', oneOf(t.refillInterval, REFILL_INTERVALS)),
    check('keys_ratelimit_type_check', oneOf(t.ratelimitType, RATELIMIT_TYPES)),
  ],
);
