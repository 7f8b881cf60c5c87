import { authThrottle, type Db } from '@keyward/db';
import { inArray, sql } from 'drizzle-orm';
import { ServiceError } from '../services/errors';

export interface ThrottleOptions {
  maxFailuresPerEmail: number;
  maxFailuresPerIp: number;
  windowMs: number;
  lockMs: number;
  /** Failures allowed at full speed before each answer is delayed. */
  slowAfter: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = {
  maxFailuresPerEmail: 5,
  maxFailuresPerIp: 20,
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
  slowAfter: 3,
};

/**
 * Failed sign-ins are counted in the database, so every instance sees the same count:
 * past `slowAfter` each answer is delayed, past the maximum the subject is locked out.
 */
export function createLoginThrottle(db: Db, opts: ThrottleOptions = DEFAULT_THROTTLE, now: () => number = Date.now) {
  const subjects = (ip: string | null, email: string) => [`email:${email}`, ...(ip ? [`ip:${ip}`] : [])];
  const maxFor = (subject: string) => (subject.startsWith('ip:') ? opts.maxFailuresPerIp : opts.maxFailuresPerEmail);

  return {
    subjects,

    async assertNotLocked(keys: string[]) {
      const rows = await db.select().from(authThrottle).where(inArray(authThrottle.key, keys));
      const t = now();
      const until = Math.max(0, ...rows.map((r) => r.lockedUntil?.getTime() ?? 0));
      if (until > t) {
        const seconds = Math.ceil((until - t) / 1000);
        throw new ServiceError('TOO_MANY_REQUESTS', `Too many failed sign-in attempts; try again in ${seconds} seconds`, undefined, seconds);
      }
    },

    /** Records a failure and returns how long to hold the answer back. */
    async recordFailure(keys: string[]): Promise<number> {
      const t = new Date(now());
      // postgres.js cannot infer a parameter's type inside CASE; pass ISO text with a cast.
      const tSql = sql`${t.toISOString()}::timestamptz`;
      const cutoff = sql`${new Date(now() - opts.windowMs).toISOString()}::timestamptz`;
      let worst = 0;
      for (const key of keys) {
        const [row] = await db
          .insert(authThrottle)
          .values({ key, failures: 1, windowStart: t })
          .onConflictDoUpdate({
            target: authThrottle.key,
            set: {
              failures: sql`case when ${authThrottle.windowStart} < ${cutoff} then 1 else ${authThrottle.failures} + 1 end`,
              windowStart: sql`case when ${authThrottle.windowStart} < ${cutoff} then ${tSql} else ${authThrottle.windowStart} end`,
            },
          })
          .returning({ failures: authThrottle.failures });
        const failures = row?.failures ?? 1;
        if (failures >= maxFor(key)) {
          await db
            .update(authThrottle)
            .set({ lockedUntil: new Date(now() + opts.lockMs), failures: 0, windowStart: t })
            .where(sql`${authThrottle.key} = ${key}`);
        }
        worst = Math.max(worst, failures);
      }
      return worst > opts.slowAfter ? Math.min(250 * 2 ** (worst - opts.slowAfter - 1), 4000) : 0;
    },

    async recordSuccess(email: string) {
      await db.delete(authThrottle).where(inArray(authThrottle.key, [`email:${email}`]));
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
