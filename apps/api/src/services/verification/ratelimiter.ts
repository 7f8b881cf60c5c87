import { type SlidingWindowResult, type SlidingWindowState, slidingWindow } from '@keyward/core';
import { Lru } from './lru';

export interface RateLimiter {
  /** A local limiter answers synchronously, so the hot path awaits only when it must. */
  limit(
    id: string,
    config: { limit: number; durationMs: number; cost?: number },
    now: number,
  ): SlidingWindowResult | Promise<SlidingWindowResult>;
}

/**
 * Per-instance sliding windows. Bounded: when full, the least recently used windows are
 * dropped (a dropped window only forgets recent traffic of an idle key).
 */
export function createLocalRateLimiter(maxEntries = 100_000): RateLimiter {
  // A holder per window, updated in place: one map lookup per call once a window exists.
  const windows = new Lru<string, { state: SlidingWindowState }>(maxEntries);
  return {
    limit(id, config, now) {
      const held = windows.get(id);
      const result = slidingWindow(held?.state, config, now);
      if (held) held.state = result.state;
      else windows.set(id, { state: result.state });
      return result;
    },
  };
}
