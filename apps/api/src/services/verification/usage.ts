import type { Db } from '@keyward/db';
import { sql } from 'drizzle-orm';
import type { Logger } from '../../http/logger';

export type VerifyCode =
  | 'VALID'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'DISABLED'
  | 'EXPIRED'
  | 'USAGE_EXCEEDED'
  | 'RATE_LIMITED'
  | 'INSUFFICIENT_PERMISSIONS';

export interface UsageEvent {
  keyId: string;
  organizationId: string;
  code: VerifyCode;
  at: number;
  ip: string | null;
  userAgent: string | null;
}

/**
 * Verification must not write to the database per request, so usage is aggregated in
 * memory (per key, minute and outcome; last use per key) and written in batches.
 * `flush()` runs on a timer and on shutdown.
 */
export function createUsageRecorder(db: Db, flushEveryMs = 2000, log?: Logger) {
  let counts = new Map<string, { keyId: string; organizationId: string; minute: number; outcome: VerifyCode; count: number }>();
  let lastUsed = new Map<string, { at: number; ip: string | null; userAgent: string | null }>();
  let flushing: Promise<void> = Promise.resolve();

  const timer = setInterval(
    () => void flush().catch((err) => log?.warn({ err }, 'usage flush failed; the batch is kept and retried')),
    flushEveryMs,
  );
  timer.unref();

  function record(e: UsageEvent): void {
    const minute = Math.floor(e.at / 60_000) * 60_000;
    const id = `${e.keyId}|${minute}|${e.code}`;
    const c = counts.get(id);
    if (c) c.count++;
    else counts.set(id, { keyId: e.keyId, organizationId: e.organizationId, minute, outcome: e.code, count: 1 });
    if (e.code === 'VALID') lastUsed.set(e.keyId, { at: e.at, ip: e.ip, userAgent: e.userAgent });
  }

  /**
   * One transaction, so a failed flush leaves nothing half-written and the merged-back batch
   * is not counted twice. Chunked to stay far below PostgreSQL's 65535 bind parameters.
   * Counts of an organization deleted meanwhile are dropped by the join instead of failing
   * the whole batch (and every later one) on the foreign key.
   */
  async function write(batch: typeof counts, used: typeof lastUsed): Promise<void> {
    if (batch.size === 0 && used.size === 0) return;
    await db.transaction(async (tx) => {
      for (const part of chunks([...batch.values()])) {
        const rows = part.map(
          (c) => sql`(${c.keyId}, ${c.organizationId}, ${new Date(c.minute).toISOString()}::timestamptz, ${c.outcome}, ${c.count}::int)`,
        );
        await tx.execute(sql`
          insert into verification_counts (key_id, organization_id, minute, outcome, count)
          select v.key_id, v.organization_id, v.minute, v.outcome, v.count
          from (values ${sql.join(rows, sql`, `)}) as v(key_id, organization_id, minute, outcome, count)
          join organizations o on o.id = v.organization_id
          on conflict (key_id, minute, outcome) do update set count = verification_counts.count + excluded.count`);
      }
      for (const part of chunks([...used])) {
        const rows = part.map(([id, u]) => sql`(${id}, ${new Date(u.at).toISOString()}::timestamptz, ${u.ip}, ${u.userAgent})`);
        await tx.execute(sql`
          update keys set last_used_at = v.at, last_used_ip = v.ip, last_used_user_agent = v.ua
          from (values ${sql.join(rows, sql`, `)}) as v(id, at, ip, ua)
          where keys.id = v.id and (keys.last_used_at is null or keys.last_used_at < v.at)`);
      }
    });
  }

  /**
   * Swaps the buffers first, so verifications never wait on a flush; a failed batch is merged
   * back (nothing is lost) and the next flush, timed or explicit, retries it.
   */
  function flush(): Promise<void> {
    const run = async () => {
      const batch = counts;
      const used = lastUsed;
      counts = new Map();
      lastUsed = new Map();
      try {
        await write(batch, used);
      } catch (err) {
        for (const [id, c] of batch) {
          const now = counts.get(id);
          if (now) now.count += c.count;
          else counts.set(id, c);
        }
        for (const [id, u] of used) if (!lastUsed.has(id)) lastUsed.set(id, u);
        throw err;
      }
    };
    // Chained on success and failure alike: one failed flush must not wedge every later one.
    flushing = flushing.then(run, run);
    return flushing;
  }

  async function close(): Promise<void> {
    clearInterval(timer);
    await flush();
  }

  return { record, flush, close, pending: () => counts.size + lastUsed.size };
}

export type UsageRecorder = ReturnType<typeof createUsageRecorder>;

const CHUNK = 1000;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}
