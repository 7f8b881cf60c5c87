/**
 * Usage-limit refills (Unkey `refill`): on a daily or monthly schedule,
 * `remaining` is SET to `amount` — unused uses do not accumulate.
 *
 * Schedules are in UTC. Daily refills happen at 00:00; monthly ones at 00:00 on
 * `refillDay` (default 1), clamped to the month's last day, so refillDay 31
 * refills on Feb 28 (Feb 29 in leap years) and Apr 30.
 *
 * Refills are computed lazily at verification time: a key is due when its
 * last refill (or its creation, if it was never refilled) is before the most
 * recent scheduled instant.
 */

import { DAY_MS, daysInMonth, type Instant, toMillis } from "./time";

export interface RefillConfig {
  interval: "daily" | "monthly";
  /** Positive integer: the value `remaining` is reset to. */
  amount: number;
  /** 1-31, monthly only, default 1. */
  refillDay?: number;
}

export type RefillError = "invalid_interval" | "invalid_amount" | "invalid_refill_day";

export type ValidateRefillResult =
  | { ok: true; config: RefillConfig }
  | { ok: false; error: RefillError; message: string };

export interface RefillState {
  /** null = unlimited uses; refills then do nothing. */
  remaining: number | null;
  lastRefillAt: Date | null;
  createdAt?: Date;
}

export function validateRefill(config: unknown): ValidateRefillResult {
  if (typeof config !== "object" || config === null) {
    return { ok: false, error: "invalid_interval", message: 'refill must be an object with interval "daily" or "monthly"' };
  }
  const { interval, amount, refillDay } = config as Record<string, unknown>;
  if (interval !== "daily" && interval !== "monthly") {
    return { ok: false, error: "invalid_interval", message: 'refill.interval must be "daily" or "monthly"' };
  }
  if (typeof amount !== "number" || !Number.isInteger(amount) || amount <= 0) {
    return { ok: false, error: "invalid_amount", message: "refill.amount must be a positive integer" };
  }
  if (refillDay === undefined || refillDay === null) return { ok: true, config: { interval, amount } };
  if (interval !== "monthly") {
    return { ok: false, error: "invalid_refill_day", message: 'refill.refillDay is only allowed with interval "monthly"' };
  }
  if (typeof refillDay !== "number" || !Number.isInteger(refillDay) || refillDay < 1 || refillDay > 31) {
    return { ok: false, error: "invalid_refill_day", message: "refill.refillDay must be an integer from 1 to 31" };
  }
  return { ok: true, config: { interval, amount, refillDay } };
}

/** The most recent scheduled refill instant at or before `now`. `config` must pass `validateRefill`. */
export function lastScheduledRefill(config: RefillConfig, now: Instant): Date {
  const t = toMillis(now);
  const today = Math.floor(t / DAY_MS) * DAY_MS;
  if (config.interval === "daily") return new Date(today);
  const date = new Date(t);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const thisMonth = monthlyInstant(year, month, config.refillDay);
  return new Date(thisMonth <= t ? thisMonth : monthlyInstant(year, month - 1, config.refillDay));
}

/** The first scheduled refill instant strictly after `now`. */
export function nextRefillAt(config: RefillConfig, now: Instant): Date {
  const last = lastScheduledRefill(config, now);
  if (config.interval === "daily") return new Date(last.getTime() + DAY_MS);
  return new Date(monthlyInstant(last.getUTCFullYear(), last.getUTCMonth() + 1, config.refillDay));
}

export function applyRefill(
  state: RefillState,
  config: RefillConfig,
  now: Instant,
): { remaining: number | null; lastRefillAt: Date | null; refilled: boolean } {
  const unchanged = { remaining: state.remaining, lastRefillAt: state.lastRefillAt, refilled: false };
  if (state.remaining === null) return unchanged;
  const since = state.lastRefillAt ?? state.createdAt;
  // With no history at all the key is treated as due, so it is never stuck at 0.
  if (since !== undefined && since.getTime() >= lastScheduledRefill(config, now).getTime()) return unchanged;
  return { remaining: config.amount, lastRefillAt: new Date(toMillis(now)), refilled: true };
}

/** 00:00 UTC on `refillDay` of `month` (0-based, may be -1 or 12), clamped to the month's length. */
function monthlyInstant(year: number, month: number, refillDay = 1): number {
  const first = new Date(Date.UTC(year, month, 1));
  const y = first.getUTCFullYear();
  const m = first.getUTCMonth();
  return Date.UTC(y, m, Math.min(refillDay, daysInMonth(y, m + 1)));
}
