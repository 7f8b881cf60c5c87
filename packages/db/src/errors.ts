import { messages } from '@electric-sql/pglite';
import postgres from 'postgres';

export interface DatabaseErrorInfo {
  /** SQLSTATE: 23505 unique, 23503 foreign key, 23514 check violation, … */
  code: string;
  constraint: string | undefined;
}

/**
 * The PostgreSQL error behind a failed query, whichever driver raised it. drizzle wraps driver
 * errors (its message carries the query parameters, so never show it to a caller), and the
 * two drivers name the constraint field differently.
 */
export function databaseError(error: unknown): DatabaseErrorInfo | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    if (current instanceof postgres.PostgresError) {
      return { code: current.code, constraint: current.constraint_name };
    }
    if (current instanceof messages.DatabaseError && current.code !== undefined) {
      return { code: current.code, constraint: current.constraint };
    }
  }
  return undefined;
}
