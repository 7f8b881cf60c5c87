import { and, eq, lt, or, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { badRequest } from './errors';

/** Keyset pagination over (createdAt desc, id desc): stable under inserts, O(page) at any depth. */
export function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [iso, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(iso ?? '');
  if (!iso || !id || extra !== undefined || Number.isNaN(createdAt.getTime())) {
    throw badRequest('cursor is not a cursor this API returned', 'cursor');
  }
  return { createdAt, id };
}

export function beforeCursor(createdAtCol: PgColumn, idCol: PgColumn, cursor: string): SQL {
  const c = decodeCursor(cursor);
  return or(lt(createdAtCol, c.createdAt), and(eq(createdAtCol, c.createdAt), lt(idCol, c.id))) as SQL;
}

export function pageOf<T extends { createdAt: Date; id: string }>(rows: T[], limit: number) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}
