import { type Db, verificationCounts } from '@keyward/db';
import { sql } from 'drizzle-orm';

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
export function createUsageRecorder(db: Db, flushEveryMs = 2000) {
  let counts = new Map<string, { keyId: string; organizationId: string; minute: number; outcome: VerifyCode; count: number }>();
  let lastUsed = new Map<string, { at: number; ip: string | null; userAgent: string | null }>();
  let flushing: Promise<void> = Promise.resolve();

  const timer = setInterval(() => void flush().catch(() => undefined), flushEveryMs);
  timer.unref();

  function record(e: UsageEvent): void {
    const minute = Math.floor(e.at / 60_000) * 60_000;
    const id = `${e.keyId}|${minute}|${e.code}`;
    const c = counts.get(id);
    if (c) c.count++;
    else counts.set(id, { keyId: e.keyId, organizationId: e.organizationId, minute, outcome: e.code, count: 1 });
    if (e.code === 'VALID') lastUsed.set(e.keyId, { at: e.at, ip: e.ip, userAgent: e.userAgent });
  }

  async function write(batch: typeof counts, used: typeof lastUsed): Promise<void> {
    if (batch.size > 0) {
      await db
        .insert(verificationCounts)
        .values(
          [...batch.values()].map((c) => ({
            keyId: c.keyId,
            organizationId: c.organizationId,
            minute: new Date(c.minute),
            outcome: c.outcome,
            count: c.count,
          })),
        )
        .onConflictDoUpdate({
          target: [verificationCounts.keyId, verificationCounts.minute, verificationCounts.outcome],
          set: { count: sql`${verificationCounts.count} + excluded.count` },
        });
    }
    if (used.size > 0) {
      const rows = [...used].map(
        ([id, u]) => sql`(${id}, ${new Date(u.at).toISOString()}::timestamptz, ${u.ip}, ${u.userAgent})`,
      );
      await db.execute(sql`
        update keys set last_used_at = v.at, last_used_ip = v.ip, last_used_user_agent = v.ua
        from (values ${sql.join(rows, sql`, `)}) as v(id, at, ip, ua)
        where keys.id = v.id and (keys.last_used_at is null or keys.last_used_at < v.at)`);
    }
  }

  /** Swaps the buffers first, so verifications never wait on a flush; a failed batch is merged back. */
  function flush(): Promise<void> {
    flushing = flushing.then(async () => {
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
    });
    return flushing;
  }

  async function close(): Promise<void> {
    clearInterval(timer);
    await flush();
  }

  return { record, flush, close, pending: () => counts.size + lastUsed.size };
}

export type UsageRecorder = ReturnType<typeof createUsageRecorder>;
