import { Redis } from 'ioredis';
import type { Logger } from '../../http/logger';
import type { RateLimiter } from './ratelimiter';

/**
 * core's slidingWindow(), ported line for line so both give the same answers, run atomically
 * in Redis on Redis's clock (instances' clocks may disagree). One round trip per check.
 */
const SLIDING_WINDOW = `
local limit = tonumber(ARGV[1])
local d = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ws = math.floor(now / d) * d
local cur, prev = 0, 0
local s = redis.call('HMGET', KEYS[1], 'ws', 'cur', 'prev')
if s[1] then
  local sws = tonumber(s[1])
  if sws >= ws then
    ws = sws
    cur = tonumber(s[2])
    prev = tonumber(s[3])
  elseif sws == ws - d then
    prev = tonumber(s[2])
  end
end
local budget = limit * d - prev * (d - math.max(0, now - ws))
local allowed = (cur + cost) * d <= budget
if allowed then cur = cur + cost end
local remaining = math.max(0, math.floor((budget - cur * d) / d))
local reset = ws + d
if (not allowed) and cost <= limit then
  if cur + cost <= limit then
    reset = ws + d - math.floor(((limit - cur - cost) * d) / prev)
  else
    reset = ws + 2 * d - math.floor(((limit - cost) * d) / cur)
  end
end
redis.call('HSET', KEYS[1], 'ws', ws, 'cur', cur, 'prev', prev)
redis.call('PEXPIRE', KEYS[1], 2 * d)
return {allowed and 1 or 0, remaining, reset, ws, cur, prev}
`;

type SlidingWindowReply = [number, number, number, number, number, number];

export interface RedisRateLimiterOptions {
  url: string;
  /** Namespaces the keys, so several deployments (or test files) can share one Redis. */
  keyPrefix?: string;
  /** Used while Redis is unreachable; limits are then per instance. */
  fallback: RateLimiter;
  log: Logger;
}

/** Shared limits across instances; falls back to local limits, with a warning, while Redis is down. */
export interface SharedRateLimiter extends RateLimiter {
  /** Resolves once Redis answers (or after `timeoutMs`), so a starting instance does not begin degraded. */
  ready(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export function createRedisRateLimiter(opts: RedisRateLimiterOptions): SharedRateLimiter {
  const redis = new Redis(opts.url, {
    // Fail fast instead of queueing: a verification must not wait on a dead Redis.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    lazyConnect: false,
  });
  // defineCommand sends EVALSHA and loads the script only when Redis does not have it yet.
  redis.defineCommand('keywardSlidingWindow', { numberOfKeys: 1, lua: SLIDING_WINDOW });
  const slidingWindow = (redis as unknown as Record<string, (...args: (string | number)[]) => Promise<SlidingWindowReply>>)
    .keywardSlidingWindow as (...args: (string | number)[]) => Promise<SlidingWindowReply>;
  const prefix = opts.keyPrefix ?? 'keyward:rl:';
  let degraded = false;
  redis.on('error', () => {
    // Reported once per outage through `degraded`; ioredis reconnects by itself.
  });
  redis.on('ready', () => {
    if (degraded) opts.log.info('Redis is back; rate limits are shared again');
    degraded = false;
  });

  return {
    async limit(id, config, now) {
      try {
        const r = await slidingWindow.call(redis, prefix + id, config.limit, config.durationMs, config.cost ?? 1);
        return {
          allowed: r[0] === 1,
          limit: config.limit,
          remaining: r[1],
          reset: r[2],
          state: { windowStart: r[3], current: r[4], previous: r[5] },
        };
      } catch (err) {
        if (!degraded) {
          degraded = true;
          opts.log.warn({ err: (err as Error).message }, 'Redis unavailable; falling back to per-instance rate limits');
        }
        return opts.fallback.limit(id, config, now);
      }
    },
    ready(timeoutMs = 2000) {
      if (redis.status === 'ready') return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        redis.once('ready', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
    async close() {
      redis.disconnect();
    },
  };
}
