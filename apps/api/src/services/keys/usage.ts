import { type Db, verificationCounts } from '@keyward/db';
import { and, eq, gte, sql } from 'drizzle-orm';
import { type Actor, SCOPES } from '../actor';
import { assertScope } from '../authorize';
import { bucketStart } from './usage-buckets';
import { findVisibleKey } from './visible-key';

export const USAGE_RANGES = ['24h', '7d', '30d'] as const;
export type UsageRange = (typeof USAGE_RANGES)[number];
export type UsageGranularity = 'hour' | 'day';

/** How far back each range reaches and how finely it is bucketed. */
const RANGE: Record<UsageRange, { ms: number; granularity: UsageGranularity }> = {
  '24h': { ms: 24 * 3_600_000, granularity: 'hour' },
  '7d': { ms: 7 * 86_400_000, granularity: 'day' },
  '30d': { ms: 30 * 86_400_000, granularity: 'day' },
};

const UNIT_MS: Record<UsageGranularity, number> = { hour: 3_600_000, day: 86_400_000 };

export interface KeyUsage {
  range: UsageRange;
  granularity: UsageGranularity;
  /** Start of the first bucket (inclusive) and end of the range (exclusive), UTC. */
  from: Date;
  to: Date;
  /** Only buckets that had verifications; the UI fills the gaps. */
  buckets: { start: Date; outcome: string; count: number }[];
}

/**
 * Verification counts of one key, summed per hour or day (UTC) and outcome, from the
 * per-minute rows the usage flusher writes. Visible to whoever may read the key.
 */
export function createKeyUsageService(db: Db, now: () => number = Date.now) {
  async function usage(actor: Actor, keyId: string, range: UsageRange): Promise<KeyUsage> {
    assertScope(actor, SCOPES.keysRead);
    await findVisibleKey(db, actor, keyId);

    const { ms, granularity } = RANGE[range];
    const unit = UNIT_MS[granularity];
    const to = now();
    // The first bucket starts on a bucket boundary, so the oldest bar is a whole hour or day.
    const from = Math.floor((to - ms) / unit) * unit + unit;
    const bucket = bucketStart(unit);
    const rows = await db
      .select({ start: bucket, outcome: verificationCounts.outcome, count: sql<number>`sum(${verificationCounts.count})::int` })
      .from(verificationCounts)
      .where(
        and(
          eq(verificationCounts.keyId, keyId),
          eq(verificationCounts.organizationId, actor.organizationId),
          gte(verificationCounts.minute, new Date(from)),
        ),
      )
      .groupBy(sql`1`, verificationCounts.outcome)
      .orderBy(sql`1`, verificationCounts.outcome);
    return {
      range,
      granularity,
      from: new Date(from),
      to: new Date(to),
      buckets: rows.map((r) => ({ start: new Date(Number(r.start)), outcome: r.outcome, count: Number(r.count) })),
    };
  }

  return { usage };
}

export type KeyUsageService = ReturnType<typeof createKeyUsageService>;
