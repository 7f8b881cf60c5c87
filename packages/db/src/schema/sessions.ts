import { index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, timestamptz } from './columns';
import { organizations } from './organizations';
import { users } from './users';

/** Lucia v3 session table; `id` holds the SHA-256 of the cookie token, never the token. */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestamptz('expires_at').notNull(),
    activeOrganizationId: text('active_organization_id').references(() => organizations.id, {
      onDelete: 'set null',
    }),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    createdAt: createdAt(),
  },
  // Lucia lists and deletes a user's sessions by user id.
  (t) => [index('sessions_user_id_idx').on(t.userId)],
);

/** Failed sign-in counters, in the database so that every API instance sees the same count. */
export const authThrottle = pgTable('auth_throttle', {
  // `ip:<address>` or `email:<address>`.
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  windowStart: timestamptz('window_start').notNull(),
  lockedUntil: timestamptz('locked_until'),
});
