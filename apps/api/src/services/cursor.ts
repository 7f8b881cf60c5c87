import { and, eq, lt, or, type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { badRequest } from './errors';

/**
 * Keyset pagination over (createdAt desc, id desc): stable under inserts, O(page) at any depth.
 * A position holds created_at at the database's microsecond precision: a JS Date keeps only
 * milliseconds, and rows sharing a page's last millisecond would otherwise be skipped.
 */
export const positionOf = (createdAtCol: PgColumn) =>
  sql<string>`to_char(${createdAtCol} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const POSITION = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export function encodeCursor(at: string, id: string): string {
  return Buffer.from(`${at}|${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { at: string; id: string } {
  const [at, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !id || extra !== undefined || !POSITION.test(at) || Number.isNaN(Date.parse(at))) {
    throw badRequest('cursor is not a cursor this API returned', 'cursor');
  }
  return { at, id };
}

export function beforeCursor(createdAtCol: PgColumn, idCol: PgColumn, cursor: string): SQL {
  const c = decodeCursor(cursor);
  const at = sql`${c.at}::timestamptz`;
  return or(lt(createdAtCol, at), and(eq(createdAtCol, at), lt(idCol, c.id))) as SQL;
}

/** `rows` are the page plus one, each selected as `{ row, at: positionOf(table.createdAt) }`. */
export function pageOf<T extends { id: string }>(rows: { row: T; at: string }[], limit: number) {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => r.row),
    nextCursor: rows.length > limit && last ? encodeCursor(last.at, last.row.id) : null,
  };
}
