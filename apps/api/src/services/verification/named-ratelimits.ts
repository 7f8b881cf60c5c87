import { badRequest } from '../errors';
import type { KeyState } from './key-state';
import type { VerifyOptions } from './verifier';

/**
 * Unkey's named rate limits at verify time: a key has one limit of its own, named "default";
 * any other name is a window the request defines with its limit and duration.
 */
export interface NamedRatelimit {
  name: string;
  cost?: number;
  /** Overrides the key's limit for "default"; required for any other name. */
  limit?: number;
  durationMs?: number;
}

const DEFAULT_RATELIMIT = 'default';

const LIMITS = {
  namedRatelimits: 16,
  nameLength: 128,
  maxCost: 2_147_483_647,
  maxLimit: 2_147_483_647,
  minDurationMs: 1000,
  maxDurationMs: 30 * 24 * 3600 * 1000,
} as const;

const isIntIn = (v: number | undefined, min: number, max: number) => v === undefined || (Number.isInteger(v) && v >= min && v <= max);

/** Caller errors in the options are refused before any lookup, whatever key they come with. */
export function validateVerifyOptions(opts: VerifyOptions): void {
  if (!isIntIn(opts.ratelimitCost, 0, LIMITS.maxCost)) throw badRequest('ratelimit cost must be a non-negative integer', 'ratelimit.cost');
  if (!isIntIn(opts.remainingCost, 0, LIMITS.maxCost)) throw badRequest('remaining cost must be a non-negative integer', 'remaining.cost');
  const named = opts.ratelimits;
  if (named === undefined) return;
  if (named.length > LIMITS.namedRatelimits) {
    throw badRequest(`ratelimits may hold at most ${LIMITS.namedRatelimits} entries`, 'ratelimits');
  }
  for (const [i, r] of named.entries()) {
    const field = `ratelimits[${i}]`;
    if (r.name.length < 1 || r.name.length > LIMITS.nameLength) throw badRequest(`${field}.name must be 1-${LIMITS.nameLength} characters`, field);
    if (!isIntIn(r.cost, 0, LIMITS.maxCost)) throw badRequest(`${field}.cost must be a non-negative integer`, field);
    if (!isIntIn(r.limit, 1, LIMITS.maxLimit)) throw badRequest(`${field}.limit must be a positive integer`, field);
    if (!isIntIn(r.durationMs, LIMITS.minDurationMs, LIMITS.maxDurationMs)) {
      throw badRequest(`${field}.duration must be ${LIMITS.minDurationMs}-${LIMITS.maxDurationMs} milliseconds`, field);
    }
    // Keys carry one limit of their own; any other name is defined by the request alone.
    if (r.name !== DEFAULT_RATELIMIT && (r.limit === undefined || r.durationMs === undefined)) {
      throw badRequest(`${field}: "${r.name}" is not a limit of the key, so it needs a limit and a duration`, field);
    }
  }
}

/** A key's limiter slot for one named limit; its own ("default") is slotted by the key id alone. */
export const windowId = (state: KeyState, name: string = DEFAULT_RATELIMIT): string =>
  name === DEFAULT_RATELIMIT ? state.id : `${state.id}:${name}`;

/** The windows one verification counts against, each with its own limiter slot. */
export function windowsFor(state: KeyState, opts: VerifyOptions) {
  const named = opts.ratelimits?.length ? opts.ratelimits : [{ name: DEFAULT_RATELIMIT, cost: opts.ratelimitCost ?? 1 }];
  return named.map((r) => ({
    id: windowId(state, r.name),
    limit: r.limit ?? state.ratelimit.limit,
    durationMs: r.durationMs ?? state.ratelimit.durationMs,
    cost: r.cost ?? 1,
  }));
}
