import {
  evaluatePermissionQuery,
  hashKey,
  lastScheduledRefill,
  type PermissionQuery,
  parseKey,
  satisfiesAll,
} from '@keyward/core';
import { type Db, keys } from '@keyward/db';
import { and, eq, sql } from 'drizzle-orm';
import type { KeyState, KeyStateLoader } from './key-state';
import type { RateLimiter } from './ratelimiter';
import type { UsageRecorder, VerifyCode } from './usage';

export interface VerifyOptions {
  ip?: string | null;
  userAgent?: string | null;
  /** The key must belong to this API (Unkey `apiId`). */
  apiId?: string;
  /** A validated Unkey permission query. */
  permissions?: PermissionQuery;
  /** Scopes the caller requires (our own REST API). */
  scopes?: readonly string[];
  /** Rate-limit cost; 0 checks without consuming. */
  ratelimitCost?: number;
  /** Uses to deduct from `remaining`. */
  remainingCost?: number;
}

export interface VerifyResult {
  valid: boolean;
  code: VerifyCode;
  /** Null when the string is not one of our keys. */
  key: KeyState | null;
  ratelimit?: { limit: number; remaining: number; reset: number };
  /** Uses left after this verification, for keys with a usage limit. */
  remaining?: number | null;
  missingPermissions?: string[];
  missingScopes?: string[];
}

export interface VerifierDeps {
  db: Db;
  load: KeyStateLoader;
  rateLimiter: RateLimiter;
  usage: UsageRecorder;
  now?: () => number;
}

/**
 * The one verification path (verifyKey, the key middleware, caller resolution), in
 * DESIGN.md's order: parse+checksum → lookup by hash → revoked/not found → disabled →
 * expired → permissions → rate limit → remaining (last, atomically, never below zero).
 */
export function createVerifier(deps: VerifierDeps) {
  const { db, load, rateLimiter, usage } = deps;
  const now = deps.now ?? Date.now;

  /**
   * Refill (when a scheduled refill was missed) and decrement in one statement, so two
   * instances racing on the last use cannot both win.
   */
  async function consumeRemaining(state: KeyState, cost: number, t: number): Promise<number | null> {
    const scheduled = state.refill ? lastScheduledRefill(state.refill, t) : null;
    const due = scheduled
      ? sql`(${keys.refillInterval} is not null and (${keys.lastRefillAt} is null or ${keys.lastRefillAt} < ${scheduled.toISOString()}::timestamptz))`
      : sql`false`;
    const [row] = await db
      .update(keys)
      .set({
        remaining: sql`(case when ${due} then ${keys.refillAmount} else ${keys.remaining} end) - ${cost}`,
        lastRefillAt: scheduled
          ? sql`case when ${due} then ${scheduled.toISOString()}::timestamptz else ${keys.lastRefillAt} end`
          : sql`${keys.lastRefillAt}`,
      })
      .where(
        and(
          eq(keys.id, state.id),
          sql`${keys.remaining} is not null`,
          sql`(case when ${due} then ${keys.refillAmount} else ${keys.remaining} end) >= ${cost}`,
        ),
      )
      .returning({ remaining: keys.remaining });
    return row ? row.remaining : null;
  }

  function finish(result: VerifyResult, opts: VerifyOptions, t: number): VerifyResult {
    if (result.key) {
      usage.record({
        keyId: result.key.id,
        organizationId: result.key.organizationId,
        code: result.code,
        at: t,
        ip: opts.ip ?? null,
        userAgent: opts.userAgent ?? null,
      });
    }
    return result;
  }

  async function verify(raw: unknown, opts: VerifyOptions = {}): Promise<VerifyResult> {
    const t = now();
    if (!parseKey(raw).ok) return { valid: false, code: 'NOT_FOUND', key: null };
    const state = await load(hashKey(raw as string));
    if (!state) return { valid: false, code: 'NOT_FOUND', key: null };
    const fail = (code: VerifyCode, extra: Partial<VerifyResult> = {}) =>
      finish({ valid: false, code, key: state, ...extra }, opts, t);

    if (state.revoked || state.role === null) return fail('NOT_FOUND');
    if (opts.apiId !== undefined && opts.apiId !== state.apiId) return fail('FORBIDDEN');
    if (!state.enabled) return fail('DISABLED');
    if (state.expiresAt !== null && state.expiresAt <= t) return fail('EXPIRED');
    if (opts.scopes && !satisfiesAll(state.scopes, opts.scopes)) {
      return fail('INSUFFICIENT_PERMISSIONS', { missingScopes: opts.scopes.filter((s) => !satisfiesAll(state.scopes, [s])) });
    }
    if (opts.permissions !== undefined) {
      const r = evaluatePermissionQuery(opts.permissions, state.permissions);
      if (!r.valid) return fail('INSUFFICIENT_PERMISSIONS', { missingPermissions: r.missing });
    }

    const rl = await rateLimiter.limit(
      `key:${state.id}`,
      { limit: state.ratelimit.limit, durationMs: state.ratelimit.durationMs, cost: opts.ratelimitCost ?? 1 },
      t,
    );
    const ratelimit = { limit: rl.limit, remaining: rl.remaining, reset: rl.reset };
    if (!rl.allowed) return fail('RATE_LIMITED', { ratelimit });

    if (state.remaining !== null || state.refill !== null) {
      const left = await consumeRemaining(state, opts.remainingCost ?? 1, t);
      if (left === null) return fail('USAGE_EXCEEDED', { ratelimit, remaining: 0 });
      return finish({ valid: true, code: 'VALID', key: state, ratelimit, remaining: left }, opts, t);
    }
    return finish({ valid: true, code: 'VALID', key: state, ratelimit, remaining: null }, opts, t);
  }

  return { verify };
}

export type Verifier = ReturnType<typeof createVerifier>;
