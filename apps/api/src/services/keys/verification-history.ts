import { type Db, keys, verificationCounts } from '@keyward/db';
import { and, eq, gte, inArray, lt, type SQL, sql } from 'drizzle-orm';
import { type Actor, canManageAllKeys, SCOPES } from '../actor';
import { assertScope } from '../authorize';
import { badRequest } from '../errors';
import { bucketStart } from './usage-buckets';
import { findVisibleKey } from './visible-key';

const DAY_MS = 86_400_000;
/** What a query covers when it names no start: Unkey's default window. */
const DEFAULT_SPAN_MS = 30 * DAY_MS;
const MAX_SPAN_MS = 366 * DAY_MS;

export interface HistoryQuery {
  keyId?: string | undefined;
  ownerId?: string | undefined;
  /** Unix ms; the range is [start, end). */
  start?: number | undefined;
  end?: number | undefined;
}

export interface DailyVerifications {
  /** Start of the UTC day, unix ms. */
  time: number;
  success: number;
  rateLimited: number;
  usageExceeded: number;
}

/**
 * Daily verification outcomes of one key or of every key with an owner id, from the per-minute
 * counts the usage recorder flushes (so the current minute may still be in memory).
 */
export function createVerificationHistory(db: Db, now: () => number = Date.now) {
  /** Which keys' counts to read; an owner's keys are selected in the query itself, however many. */
  async function keysOf(actor: Actor, q: HistoryQuery): Promise<SQL> {
    if (q.keyId) {
      const key = await findVisibleKey(db, actor, q.keyId);
      return eq(verificationCounts.keyId, key.id);
    }
    if (!q.ownerId) throw badRequest('provide keyId or ownerId', 'keyId');
    const conds: SQL[] = [eq(keys.organizationId, actor.organizationId), eq(keys.ownerId, q.ownerId)];
    if (!canManageAllKeys(actor)) conds.push(eq(keys.userId, actor.userId ?? ''));
    return inArray(verificationCounts.keyId, db.select({ id: keys.id }).from(keys).where(and(...conds)));
  }

  async function daily(actor: Actor, q: HistoryQuery): Promise<DailyVerifications[]> {
    assertScope(actor, SCOPES.keysRead);
    const end = q.end ?? now();
    const start = q.start ?? end - DEFAULT_SPAN_MS;
    if (start > end) throw badRequest('start must not be after end', 'start');
    if (end - start > MAX_SPAN_MS) throw badRequest('the range may span at most 366 days', 'start');
    const ofKeys = await keysOf(actor, q);

    const day = bucketStart(DAY_MS);
    const sumOf = (outcome: string) => sql<number>`coalesce(sum(${verificationCounts.count}) filter (where ${verificationCounts.outcome} = ${outcome}), 0)::int`;
    const rows = await db
      .select({
        time: day,
        success: sumOf('VALID'),
        rateLimited: sumOf('RATE_LIMITED'),
        usageExceeded: sumOf('USAGE_EXCEEDED'),
      })
      .from(verificationCounts)
      .where(
        and(
          eq(verificationCounts.organizationId, actor.organizationId),
          ofKeys,
          gte(verificationCounts.minute, new Date(start)),
          lt(verificationCounts.minute, new Date(end)),
        ),
      )
      .groupBy(sql`1`)
      .orderBy(sql`1`);
    return rows.map((r) => ({
      time: Number(r.time),
      success: Number(r.success),
      rateLimited: Number(r.rateLimited),
      usageExceeded: Number(r.usageExceeded),
    }));
  }

  return { daily };
}

export type VerificationHistory = ReturnType<typeof createVerificationHistory>;
