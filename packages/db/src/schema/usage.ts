import { check, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { oneOf, timestamptz } from './columns';
import { organizations } from './organizations';

/** Unkey's verification codes, which are also the outcomes counted per minute. */
export const VERIFICATION_OUTCOMES = [
  'VALID',
  'NOT_FOUND',
  'FORBIDDEN',
  'DISABLED',
  'EXPIRED',
  'USAGE_EXCEEDED',
  'RATE_LIMITED',
  'INSUFFICIENT_PERMISSIONS',
] as const;
export type VerificationOutcome = (typeof VERIFICATION_OUTCOMES)[number];

/** Per-minute verification counts, upserted in batches by the usage flusher. */
export const verificationCounts = pgTable(
  'verification_counts',
  {
    // Not a foreign key: usage history outlives a permanently deleted key.
    keyId: text('key_id').notNull(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** Start of the minute bucket. */
    minute: timestamptz('minute').notNull(),
    outcome: text('outcome', { enum: VERIFICATION_OUTCOMES }).notNull(),
    count: integer('count').notNull(),
  },
  (t) => [
    primaryKey({ name: 'verification_counts_pk', columns: [t.keyId, t.minute, t.outcome] }),
    index('verification_counts_organization_minute_idx').on(t.organizationId, t.minute),
    check('verification_counts_outcome_check', oneOf(t.outcome, VERIFICATION_OUTCOMES)),
  ],
);
