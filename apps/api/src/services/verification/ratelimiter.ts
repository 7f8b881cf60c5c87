import { type SlidingWindowResult, type SlidingWindowState, slidingWindow } from '@keyward/core';

export interface RateLimiter {
  /** A local limiter answers synchronously, so the hot path awaits only when it must. */
  limit(
    id: string,
    config: { limit: number; durationMs: number; cost: number },
    now: number,
  ): SlidingWindowResult | Promise<SlidingWindowResult>;
}

/**
 * Per-instance sliding windows. Bounded: when full, the oldest windows are dropped
 * (a dropped window only forgets recent traffic of an idle key).
 */
export function createLocalRateLimiter(maxEntries = 100_000): RateLimiter {
  const windows = new Map<string, SlidingWindowState>();
  return {
    limit(id, config, now) {
      const result = slidingWindow(windows.get(id), config, now);
      windows.delete(id);
      windows.set(id, result.state);
      if (windows.size > maxEntries) {
        const oldest = windows.keys().next().value;
        if (oldest !== undefined) windows.delete(oldest);
      }
      return result;
    },
  };
}
