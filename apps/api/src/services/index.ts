import { randomBytes } from 'node:crypto';
import type { DbHandle } from '@keyward/db';
import { createLoginThrottle, DEFAULT_THROTTLE, type ThrottleOptions } from '../auth/throttle';
import { createSessionManager } from '../auth/sessions';
import type { Config } from '../env';
import { createLogger, type Logger } from '../http/logger';
import { createAccountService } from './accounts';
import { createAdminService } from './admin';
import { createApiService } from './apis';
import { createAuditService } from './audit';
import { createIdempotencyService } from './idempotency';
import { createKeyEvents } from './key-events';
import { createRefillScheduler } from './keys/refill-scheduler';
import { createKeyService } from './keys/service';
import { createVerificationHistory } from './keys/verification-history';
import { createKeyUsageService } from './keys/usage';
import { createLeakService } from './leaks';
import { createOrgService } from './orgs';
import { createPlanPolicy } from './plans';
import { createRbacService } from './rbac';
import { createSecretBox } from './secret-box';
import { createServiceAccountService } from './service-accounts';
import { createKeyCache } from './verification/key-cache';
import { createKeyStateLoader } from './verification/key-state';
import { startInvalidation } from './verification/invalidation';
import { createNotificationLag } from './verification/notification-lag';
import { createRedisRateLimiter } from './verification/redis-ratelimiter';
import { createLocalRateLimiter } from './verification/ratelimiter';
import { createUsageRecorder } from './verification/usage';
import { createVerifier } from './verification/verifier';

export interface ServiceOptions {
  throttle?: ThrottleOptions;
  usageFlushMs?: number;
  log?: Logger;
  /** Verification cache TTL while key-change notifications flow, and while they are down. */
  cacheTtlMs?: number;
  cacheFallbackTtlMs?: number;
  /** Namespaces shared rate-limit keys in Redis. */
  redisKeyPrefix?: string;
  /** How often the refill scheduler looks for keys due a `remaining` refill. */
  refillEveryMs?: number;
}

/** Wires the domain once; every surface (REST, tRPC, CLI) uses these same instances. */
export function createServices(handle: DbHandle, config: Config, opts: ServiceOptions = {}) {
  const { db } = handle;
  const events = createKeyEvents();
  const plans = createPlanPolicy(config);
  const secretBox = config.encryptionKey ? createSecretBox(config.encryptionKey) : undefined;
  // Idempotent replays hold a plaintext key, so they are always sealed. Without a configured
  // key the seal is per process: replays work for this process's lifetime, and one sealed by
  // another process is refused (409), never re-minted. Recoverable keys still need the real key.
  const replayBox = secretBox ?? createSecretBox(randomBytes(32));
  const log = opts.log ?? createLogger('silent');
  const usage = createUsageRecorder(db, opts.usageFlushMs, log);
  let keyStateQueries = 0;
  const loadKeyStates = createKeyStateLoader(db, plans, { onQuery: () => keyStateQueries++ });
  const cache = createKeyCache(loadKeyStates, { maxEntries: config.cacheMaxKeys });
  // This instance's own changes reach its cache at once; other instances hear through NOTIFY.
  events.subscribe((change) => cache.invalidate(change));
  const localLimiter = createLocalRateLimiter(config.cacheMaxKeys);
  const sharedLimiter = config.redisUrl
    ? createRedisRateLimiter({ url: config.redisUrl, fallback: localLimiter, log, ...(opts.redisKeyPrefix ? { keyPrefix: opts.redisKeyPrefix } : {}) })
    : null;
  const verifier = createVerifier({ db, keys: cache, rateLimiter: sharedLimiter ?? localLimiter, usage });
  const notificationLag = createNotificationLag();
  let stopInvalidation: (() => Promise<void>) | null = null;
  const keys = createKeyService({ db, plans, events, secretBox });
  const refills = createRefillScheduler({
    db,
    events,
    ...(opts.refillEveryMs ? { everyMs: opts.refillEveryMs } : {}),
    onError: (err) => log.error({ err }, 'scheduled refill failed; retrying on the next tick'),
  });
  const orgs = createOrgService(db, events);
  const sessions = createSessionManager(db, { days: config.sessionDays, secure: config.nodeEnv === 'production' });
  const throttle = createLoginThrottle(db, opts.throttle ?? DEFAULT_THROTTLE);
  const accounts = createAccountService(db, throttle, config);
  return {
    handle,
    config,
    events,
    plans,
    secretBox,
    usage,
    verifier,
    orgs,
    sessions,
    throttle,
    accounts,
    admin: createAdminService(db, accounts),
    keys,
    apis: createApiService({ db, events, keys }),
    leaks: createLeakService({ db, keys }),
    rbac: createRbacService({ db, events }),
    verificationHistory: createVerificationHistory(db),
    refills,
    keyUsage: createKeyUsageService(db),
    audit: createAuditService(db),
    idempotency: createIdempotencyService(db, replayBox),
    serviceAccounts: createServiceAccountService(db),
    cache,
    /** Database queries made to load verification state; each carries a batch of hashes. */
    keyStateQueries: () => keyStateQueries,
    notificationLag,
    /** Starts what runs in the background: cross-instance invalidation, the shared rate limiter, scheduled refills. */
    async start() {
      refills.start();
      stopInvalidation = await startInvalidation(handle, events, cache, log, {
        ttlMs: opts.cacheTtlMs ?? 5 * 60_000,
        fallbackTtlMs: opts.cacheFallbackTtlMs ?? 1000,
        onDelivered: (lagMs) => notificationLag.observe(lagMs / 1000),
      });
      if (sharedLimiter && !(await sharedLimiter.ready())) {
        log.warn('Redis did not answer at start; rate limits are per instance until it does');
      }
      if (!secretBox) {
        log.warn('KEYWARD_ENCRYPTION_KEY is not set: Idempotency-Key replays last only as long as this process, and recoverable keys are refused');
      }
    },
    async close() {
      await refills.stop();
      await stopInvalidation?.();
      await sharedLimiter?.close();
      await usage.close();
    },
  };
}

export type Services = ReturnType<typeof createServices>;
