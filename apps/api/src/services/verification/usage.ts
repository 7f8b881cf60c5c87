import { type Db, VERIFICATION_OUTCOMES, type VerificationOutcome } from '@keyward/db';
import { type SQL, sql } from 'drizzle-orm';
import type { Logger } from '../../http/logger';

/** The verification codes, one per outcome the database counts. */
export const VERIFY_CODES = VERIFICATION_OUTCOMES;

export type VerifyCode = VerificationOutcome;

/** Each code's slot in a per-minute count array. */
export const CODE_INDEX = Object.fromEntries(VERIFY_CODES.map((c, i) => [c, i])) as Record<VerifyCode, number>;

const MINUTE = 60_000;

/** Buffered usage of one key since the last flush. */
interface KeyUsage {
  organizationId: string;
  /** The minute most uses fall in, and its counts by `CODE_INDEX`. */
  minute: number;
  counts: number[];
  /** Other minutes seen before a flush (a minute rolled over, or clocks disagree). */
  earlier: Map<number, number[]> | null;
  /** The latest VALID use; `lastAt` is -1 while there is none. */
  lastAt: number;
  ip: string | null;
  userAgent: string | null;
}

const zeros = (): number[] => VERIFY_CODES.map(() => 0);

function countsFor(u: KeyUsage, minute: number): number[] {
  if (minute === u.minute) return u.counts;
  u.earlier ??= new Map();
  let c = u.earlier.get(minute);
  if (c === undefined) {
    c = zeros();
    u.earlier.set(minute, c);
  }
  if (minute > u.minute) {
    // Time moves forward: the newest minute stays the fast slot.
    u.earlier.delete(minute);
    u.earlier.set(u.minute, u.counts);
    u.minute = minute;
    u.counts = c;
  }
  return c;
}

function setLastUse(u: KeyUsage, at: number, ip: string | null, userAgent: string | null): void {
  if (at < u.lastAt) return;
  u.lastAt = at;
  u.ip = ip;
  u.userAgent = userAgent;
}

/**
 * Verification must not write to the database per request, so usage is aggregated in
 * memory (per key, minute and outcome; last use per key) and written in batches.
 * `flush()` runs on a timer and on shutdown. Recording allocates nothing once a key has
 * been seen in the current batch: it runs on every verification.
 */
export function createUsageRecorder(db: Db, flushEveryMs = 2000, log?: Logger) {
  let pending = new Map<string, KeyUsage>();
  let flushing: Promise<void> = Promise.resolve();

  const timer = setInterval(
    () => void flush().catch((err) => log?.warn({ err }, 'usage flush failed; the batch is kept and retried')),
    flushEveryMs,
  );
  timer.unref();

  function usageOf(keyId: string, organizationId: string, minute: number): KeyUsage {
    let u = pending.get(keyId);
    if (u === undefined) {
      u = { organizationId, minute, counts: zeros(), earlier: null, lastAt: -1, ip: null, userAgent: null };
      pending.set(keyId, u);
    }
    return u;
  }

  function record(
    key: { readonly id: string; readonly organizationId: string },
    code: VerifyCode,
    at: number,
    client: { readonly ip?: string | null; readonly userAgent?: string | null } = {},
  ): void {
    const minute = Math.floor(at / MINUTE) * MINUTE;
    const u = usageOf(key.id, key.organizationId, minute);
    const counts = minute === u.minute ? u.counts : countsFor(u, minute);
    const i = CODE_INDEX[code];
    counts[i] = (counts[i] as number) + 1;
    if (code === 'VALID') setLastUse(u, at, client.ip ?? null, client.userAgent ?? null);
  }

  /** Puts a batch that failed to write back in front of what arrived meanwhile. */
  function mergeBack(batch: Map<string, KeyUsage>): void {
    for (const [keyId, old] of batch) {
      const u = usageOf(keyId, old.organizationId, old.minute);
      for (const [minute, counts] of minutesOf(old)) {
        const into = countsFor(u, minute);
        for (let i = 0; i < counts.length; i++) into[i] = (into[i] ?? 0) + (counts[i] ?? 0);
      }
      if (old.lastAt >= 0) setLastUse(u, old.lastAt, old.ip, old.userAgent);
    }
  }

  /**
   * One transaction, so a failed flush leaves nothing half-written and the merged-back batch
   * is not counted twice. Chunked to stay far below PostgreSQL's 65535 bind parameters.
   * Counts of an organization deleted meanwhile are dropped by the join instead of failing
   * the whole batch (and every later one) on the foreign key.
   */
  async function write(batch: Map<string, KeyUsage>): Promise<void> {
    const counts: SQL[] = [];
    const used: SQL[] = [];
    for (const [keyId, u] of batch) {
      for (const [minute, byCode] of minutesOf(u)) {
        const at = new Date(minute).toISOString();
        for (let i = 0; i < byCode.length; i++) {
          if (byCode[i]) counts.push(sql`(${keyId}, ${u.organizationId}, ${at}::timestamptz, ${VERIFY_CODES[i]}, ${byCode[i]}::int)`);
        }
      }
      if (u.lastAt >= 0) used.push(sql`(${keyId}, ${new Date(u.lastAt).toISOString()}::timestamptz, ${u.ip}, ${u.userAgent})`);
    }
    if (counts.length === 0 && used.length === 0) return;
    await db.transaction(async (tx) => {
      for (const rows of chunks(counts)) {
        await tx.execute(sql`
          insert into verification_counts (key_id, organization_id, minute, outcome, count)
          select v.key_id, v.organization_id, v.minute, v.outcome, v.count
          from (values ${sql.join(rows, sql`, `)}) as v(key_id, organization_id, minute, outcome, count)
          join organizations o on o.id = v.organization_id
          on conflict (key_id, minute, outcome) do update set count = verification_counts.count + excluded.count`);
      }
      for (const rows of chunks(used)) {
        await tx.execute(sql`
          update keys set last_used_at = v.at, last_used_ip = v.ip, last_used_user_agent = v.ua
          from (values ${sql.join(rows, sql`, `)}) as v(id, at, ip, ua)
          where keys.id = v.id and (keys.last_used_at is null or keys.last_used_at < v.at)`);
      }
    });
  }

  /**
   * Swaps the buffer first, so verifications never wait on a flush; a failed batch is merged
   * back (nothing is lost) and the next flush, timed or explicit, retries it.
   */
  function flush(): Promise<void> {
    const run = async () => {
      const batch = pending;
      pending = new Map();
      try {
        await write(batch);
      } catch (err) {
        mergeBack(batch);
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

  /** Keys with usage waiting for the next flush. */
  return { record, flush, close, pending: () => pending.size };
}

export type UsageRecorder = ReturnType<typeof createUsageRecorder>;

function* minutesOf(u: KeyUsage): Iterable<[number, number[]]> {
  yield [u.minute, u.counts];
  if (u.earlier) yield* u.earlier;
}

const CHUNK = 1000;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}
