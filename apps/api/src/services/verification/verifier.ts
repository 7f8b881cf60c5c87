import {
  evaluatePermissionQuery,
  hashKey,
  isWellFormedKey,
  lastScheduledRefill,
  type PermissionQuery,
  type SlidingWindowResult,
  satisfiesAll,
} from '@keyward/core';
import { type Db, keys } from '@keyward/db';
import { and, eq, sql } from 'drizzle-orm';
import type { KeyState, KeyStateLoader } from './key-state';
import { type NamedRatelimit, validateVerifyOptions, windowId, windowsFor } from './named-ratelimits';
import type { RateLimiter } from './ratelimiter';
import { CODE_INDEX, type UsageRecorder, VERIFY_CODES, type VerifyCode } from './usage';

export interface VerifyOptions {
  ip?: string | null;
  userAgent?: string | null;
  /** The key must belong to this API (Unkey `apiId`). */
  apiId?: string;
  /** A validated Unkey permission query. */
  permissions?: PermissionQuery;
  /** Scopes the caller requires (our own REST API). */
  scopes?: readonly string[];
  /** Cost against the key's own rate limit; 0 checks without consuming. Ignored when `ratelimits` is given. */
  ratelimitCost?: number;
  /** Unkey's named limits, all of which must pass; the key's own limit is the one named "default". */
  ratelimits?: readonly NamedRatelimit[];
  /** Uses to deduct from `remaining`; 0 checks that one is left without using it. */
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

/** Where verification state comes from: a synchronous peek at the cache, then a load. */
export interface KeyLookup {
  /** `t`: the caller's clock reading, so one verification reads the clock once. */
  peek(hash: string, t?: number): KeyState | null | undefined;
  get: KeyStateLoader;
}

export interface VerifierDeps {
  db: Db;
  keys: KeyLookup;
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
  const { db, keys: lookup, rateLimiter, usage } = deps;
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
          // At least one use must be left even when this check costs none.
          sql`(case when ${due} then ${keys.refillAmount} else ${keys.remaining} end) >= ${Math.max(cost, 1)}`,
        ),
      )
      .returning({ remaining: keys.remaining });
    return row ? row.remaining : null;
  }

  function finish(result: VerifyResult & { key: KeyState }, opts: VerifyOptions, t: number): VerifyResult {
    usage.record(result.key, result.code, t, opts);
    return result;
  }

  /**
   * Counts against every window in turn and stops at the first that refuses (its tokens are
   * then what the caller hears about); otherwise reports the first window. A local limiter
   * answers synchronously, so the usual single window costs no await.
   */
  function ratelimit(state: KeyState, opts: VerifyOptions, t: number): SlidingWindowResult | Promise<SlidingWindowResult> {
    if (!opts.ratelimits?.length) {
      const cost = opts.ratelimitCost;
      return rateLimiter.limit(windowId(state), cost === undefined ? state.ratelimit : { ...state.ratelimit, cost }, t);
    }
    return namedWindows(state, opts, t);
  }

  async function namedWindows(state: KeyState, opts: VerifyOptions, t: number): Promise<SlidingWindowResult> {
    let first: SlidingWindowResult | undefined;
    for (const w of windowsFor(state, opts)) {
      const r = await rateLimiter.limit(w.id, { limit: w.limit, durationMs: w.durationMs, cost: w.cost }, t);
      first ??= r;
      if (!r.allowed) return r;
    }
    // windowsFor always yields at least the key's own window.
    return first as SlidingWindowResult;
  }

  /**
   * Synchronous until something must be awaited (a cache miss, a shared rate limiter, a
   * `remaining` decrement), so a warm verification costs no promise of its own.
   */
  function evaluate(raw: unknown, opts: VerifyOptions): VerifyResult | Promise<VerifyResult> {
    validateVerifyOptions(opts);
    const t = now();
    if (!isWellFormedKey(raw)) return { valid: false, code: 'NOT_FOUND', key: null };
    const hash = hashKey(raw);
    const state = lookup.peek(hash, t);
    if (state === undefined) return lookup.get(hash).then((loaded) => decide(loaded, opts, t));
    return decide(state, opts, t);
  }

  function decide(state: KeyState | null, opts: VerifyOptions, t: number): VerifyResult | Promise<VerifyResult> {
    if (!state) return { valid: false, code: 'NOT_FOUND', key: null };
    if (state.revoked || state.role === null) return finish({ valid: false, code: 'NOT_FOUND', key: state }, opts, t);
    if (opts.apiId !== undefined && opts.apiId !== state.apiId) return finish({ valid: false, code: 'FORBIDDEN', key: state }, opts, t);
    if (!state.enabled) return finish({ valid: false, code: 'DISABLED', key: state }, opts, t);
    if (state.expiresAt !== null && state.expiresAt <= t) return finish({ valid: false, code: 'EXPIRED', key: state }, opts, t);
    if (opts.scopes && !satisfiesAll(state.scopes, opts.scopes)) {
      const granted = state.scopes;
      const missingScopes = opts.scopes.filter((s) => !satisfiesAll(granted, [s]));
      return finish({ valid: false, code: 'INSUFFICIENT_PERMISSIONS', key: state, missingScopes }, opts, t);
    }
    if (opts.permissions !== undefined) {
      const r = evaluatePermissionQuery(opts.permissions, state.permissions);
      if (!r.valid) return finish({ valid: false, code: 'INSUFFICIENT_PERMISSIONS', key: state, missingPermissions: r.missing }, opts, t);
    }
    const pending = ratelimit(state, opts, t);
    if (pending instanceof Promise) return pending.then((w) => afterRatelimit(state, w, opts, t));
    return afterRatelimit(state, pending, opts, t);
  }

  function afterRatelimit(state: KeyState, w: SlidingWindowResult, opts: VerifyOptions, t: number): VerifyResult | Promise<VerifyResult> {
    const limits = { limit: w.limit, remaining: w.remaining, reset: w.reset };
    if (!w.allowed) return finish({ valid: false, code: 'RATE_LIMITED', key: state, ratelimit: limits }, opts, t);
    if (state.remaining === null && state.refill === null) {
      return finish({ valid: true, code: 'VALID', key: state, ratelimit: limits, remaining: null }, opts, t);
    }
    return consumeRemaining(state, opts.remainingCost ?? 1, t).then((left) =>
      left === null
        ? finish({ valid: false, code: 'USAGE_EXCEEDED', key: state, ratelimit: limits, remaining: 0 }, opts, t)
        : finish({ valid: true, code: 'VALID', key: state, ratelimit: limits, remaining: left }, opts, t),
    );
  }

  // Every outcome, unknown keys included (the usage recorder only sees keys that exist), so
  // operators can watch the share of refusals.
  const outcomeCounts = VERIFY_CODES.map(() => 0);
  const counted = (r: VerifyResult): VerifyResult => {
    const i = CODE_INDEX[r.code];
    outcomeCounts[i] = (outcomeCounts[i] as number) + 1;
    return r;
  };

  function verify(raw: unknown, opts: VerifyOptions = {}): Promise<VerifyResult> {
    let r: VerifyResult | Promise<VerifyResult>;
    try {
      r = evaluate(raw, opts);
    } catch (err) {
      return Promise.reject(err);
    }
    return r instanceof Promise ? r.then(counted) : Promise.resolve(counted(r));
  }

  /** Verifications since start by outcome. */
  const outcomes = (): ReadonlyMap<VerifyCode, number> => new Map(VERIFY_CODES.map((c, i) => [c, outcomeCounts[i] ?? 0]));

  return { verify, outcomes };
}

export type Verifier = ReturnType<typeof createVerifier>;
