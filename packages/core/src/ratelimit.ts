/**
 * Approximated sliding-window rate limit (the Cloudflare / Unkey scheme): two
 * fixed-window counters, the previous one weighted by how much of it the
 * sliding window still overlaps.
 *
 *   d           = durationMs
 *   windowStart = floor(now / d) * d
 *   elapsed     = now - windowStart
 *   estimate    = previous * (d - elapsed) / d + current
 *   allowed     = estimate + cost <= limit
 *
 * The comparison is done multiplied through by d, in integers, so that the
 * planned Redis Lua port (doubles only) gives bit-identical answers:
 *
 *   allowed  = previous * (d - elapsed) + (current + cost) * d <= limit * d
 *
 * A denied request does not count. `cost: 0` peeks without consuming.
 * Counters roll when `now` enters the next window (current becomes previous)
 * and reset after a whole idle window. A state stamped with a LATER window
 * than `now` (clock skew between instances sharing state) is kept and read
 * with the previous window at full weight, so skew never grants a fresh window.
 */

export interface SlidingWindowState {
  windowStart: number;
  current: number;
  previous: number;
}

export interface SlidingWindowConfig {
  /** Requests (cost units) per window; positive integer. */
  limit: number;
  /** Window length in ms; positive integer. */
  durationMs: number;
  /** Non-negative integer, default 1. */
  cost?: number;
}

export interface SlidingWindowResult {
  allowed: boolean;
  limit: number;
  /** Cost units still available right after this request, rounded down. */
  remaining: number;
  /**
   * Unix ms. Allowed: end of the current fixed window. Denied: the earliest
   * instant at which the same request would be allowed if nothing else arrived
   * (end of the current window when it can never fit, i.e. cost > limit).
   */
  reset: number;
  /** Store this; pass it back on the next call. */
  state: SlidingWindowState;
}

export function slidingWindow(
  state: SlidingWindowState | undefined,
  config: SlidingWindowConfig,
  now: number,
): SlidingWindowResult {
  const { limit, durationMs: d, cost = 1 } = config;
  if (!isPositiveInteger(limit) || !isPositiveInteger(d) || !(cost === 0 || isPositiveInteger(cost))) {
    throw new RangeError("slidingWindow: limit and durationMs must be positive integers, cost a non-negative integer");
  }

  let windowStart = Math.floor(now / d) * d;
  let current = 0;
  let previous = 0;
  if (state !== undefined) {
    if (state.windowStart >= windowStart) {
      windowStart = state.windowStart;
      current = state.current;
      previous = state.previous;
    } else if (state.windowStart === windowStart - d) {
      previous = state.current;
    }
  }

  const previousWeight = d - Math.max(0, now - windowStart);
  const budget = limit * d - previous * previousWeight;
  const allowed = (current + cost) * d <= budget;
  if (allowed) current += cost;
  const remaining = Math.max(0, Math.floor((budget - current * d) / d));
  const windowEnd = windowStart + d;

  let reset = windowEnd;
  if (!allowed && cost <= limit) {
    reset =
      current + cost <= limit
        ? // Fits in this window once the previous window's weight has decayed enough.
          windowStart + d - Math.floor(((limit - current - cost) * d) / previous)
        : // Next window: today's count becomes the weighted previous.
          windowEnd + d - Math.floor(((limit - cost) * d) / current);
  }

  return { allowed, limit, remaining, reset, state: { windowStart, current, previous } };
}

/** Whole seconds for a Retry-After header: 0 when allowed, otherwise at least 1. */
export function retryAfterSeconds(result: Pick<SlidingWindowResult, "allowed" | "reset">, now: number): number {
  if (result.allowed) return 0;
  return Math.max(1, Math.ceil((result.reset - now) / 1000));
}

function isPositiveInteger(n: number): boolean {
  return Number.isInteger(n) && n > 0;
}
