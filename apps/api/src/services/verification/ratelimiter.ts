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
  const windows = new Lru<string, SlidingWindowState>(maxEntries);
  return {
    limit(id, config, now) {
      const result = slidingWindow(windows.get(id), config, now);
      windows.set(id, result.state);
      return result;
    },
  };
}
