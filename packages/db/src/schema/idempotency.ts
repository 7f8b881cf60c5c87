import { check, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, oneOf, timestamptz } from './columns';
import { users } from './users';

export const IDEMPOTENCY_STATES = ['pending', 'done'] as const;
export type IdempotencyState = (typeof IDEMPOTENCY_STATES)[number];

/** Replays of `Idempotency-Key` requests; the stored response may hold a key, hence encrypted. */
export const idempotencyRecords = pgTable(
  'idempotency_records',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    idempotencyKey: text('idempotency_key').notNull(),
    /** Hash of the request, so a reused key with a different body is rejected, not replayed. */
    requestHash: text('request_hash').notNull(),
    state: text('state', { enum: IDEMPOTENCY_STATES }).notNull(),
    statusCode: integer('status_code'),
    responseCiphertext: text('response_ciphertext'),
    createdAt: createdAt(),
    expiresAt: timestamptz('expires_at').notNull(),
  },
  (t) => [
    uniqueIndex('idempotency_records_user_key_unique').on(t.userId, t.idempotencyKey),
    check('idempotency_records_state_check', oneOf(t.state, IDEMPOTENCY_STATES)),
  ],
);
