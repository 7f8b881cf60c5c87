import { verificationCounts } from '@keyward/db';
import { sql } from 'drizzle-orm';

/**
 * The start (unix ms) of the hour or day a per-minute count falls in. Epoch arithmetic, so
 * buckets are UTC-aligned whatever the database's time zone.
 */
export const bucketStart = (unitMs: number) =>
  sql<number>`(floor(extract(epoch from ${verificationCounts.minute}) * 1000 / ${unitMs}) * ${unitMs})::float8`;
