import { type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { timestamp } from 'drizzle-orm/pg-core';

export const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const createdAt = () => timestamptz('created_at').notNull().defaultNow();

// Rows are touched from several code paths (e.g. usage flushes must not bump updated_at), so the
// app sets updated_at explicitly instead of relying on an ORM hook.
export const updatedAt = () => timestamptz('updated_at').notNull().defaultNow();

/**
 * CHECK body limiting a text column to a closed set. The values are inlined because a CHECK
 * cannot take bind parameters; they are code constants, never user input.
 */
export const oneOf = (column: PgColumn, values: readonly string[]): SQL =>
  sql`${column} in (${sql.raw(values.map((value) => `'${value}'`).join(', '))})`;
