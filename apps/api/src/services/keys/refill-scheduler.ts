import { lastScheduledRefill } from '@keyward/core';
import type { Db } from '@keyward/db';
import { sql } from 'drizzle-orm';
import type { KeyEvents } from '../key-events';

export interface RefillSchedulerDeps {
  db: Db;
  events: KeyEvents;
  now?: () => number;
  /** How often to look for due keys; refills are due at 00:00 UTC, so a minute is late enough. */
  everyMs?: number;
  /** Keys refilled per UPDATE, so one run never holds a huge set of row locks. */
  batchSize?: number;
  onError?: (err: unknown) => void;
}

const DAYS_OF_MONTH = Array.from({ length: 31 }, (_, i) => i + 1);

/**
 * Refills `remaining` on schedule without waiting for a verification (the verifier also
 * refills lazily, so a key is never short between runs). A key is due when its last refill is
 * before its most recent scheduled instant; it is then set to that instant, exactly as the
 * verifier does, so the two never refill the same period twice. Safe on many instances at once:
 * the due check is part of the UPDATE and locked rows are skipped.
 */
export function createRefillScheduler(deps: RefillSchedulerDeps) {
  const { db, events } = deps;
  const now = deps.now ?? Date.now;
  const batchSize = deps.batchSize ?? 1000;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;

  /** Every schedule in use (daily, and monthly per refill day) with its most recent instant. */
  function dueInstants(t: number) {
    const daily = { interval: 'daily', day: 0, at: lastScheduledRefill({ interval: 'daily', amount: 1 }, t) };
    const monthly = DAYS_OF_MONTH.map((day) => ({
      interval: 'monthly',
      day,
      at: lastScheduledRefill({ interval: 'monthly', amount: 1, refillDay: day }, t),
    }));
    return [daily, ...monthly];
  }

  async function refillBatch(t: number): Promise<string[]> {
    const schedules = sql.join(
      dueInstants(t).map((s) => sql`(${s.interval}::text, ${s.day}::int, ${s.at.toISOString()}::timestamptz)`),
      sql`, `,
    );
    const result = await db.execute(sql`
      with schedule(refill_interval, refill_day, due_at) as (values ${schedules}),
      due as (
        select k.id, s.due_at
        from keys k
        join schedule s
          on s.refill_interval = k.refill_interval
         and s.refill_day = case when k.refill_interval = 'daily' then 0 else coalesce(k.refill_day, 1) end
        where k.refill_amount is not null
          and k.revoked_at is null
          and k.deleted_at is null
          and (k.last_refill_at is null or k.last_refill_at < s.due_at)
        limit ${batchSize}
        for update of k skip locked
      )
      update keys set remaining = keys.refill_amount, last_refill_at = due.due_at
      from due where keys.id = due.id
      returning keys.hash`);
    return rowsOf<{ hash: string }>(result).map((r) => r.hash);
  }

  /** Refills every due key; returns how many. */
  async function runOnce(): Promise<number> {
    running ??= (async () => {
      const t = now();
      let total = 0;
      for (;;) {
        const hashes = await refillBatch(t);
        total += hashes.length;
        // Cached states carry `remaining` for display; a refill makes that copy stale.
        if (hashes.length > 0) await events.changed({ kind: 'keys', hashes });
        if (hashes.length < batchSize) return total;
      }
    })().finally(() => {
      running = null;
    });
    return running;
  }

  function start(): void {
    if (timer) return;
    timer = setInterval(() => {
      runOnce().catch((err) => deps.onError?.(err));
    }, deps.everyMs ?? 60_000);
    timer.unref();
  }

  async function stop(): Promise<void> {
    if (timer) clearInterval(timer);
    timer = null;
    await running?.catch(() => undefined);
  }

  return { runOnce, start, stop };
}

/** postgres.js returns the rows themselves, PGlite wraps them in `{ rows }`. */
function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows?: T[] }).rows ?? []);
}

export type RefillScheduler = ReturnType<typeof createRefillScheduler>;
