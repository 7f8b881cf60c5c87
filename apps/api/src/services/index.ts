import type { DbHandle } from '@keyward/db';
import { createLoginThrottle, DEFAULT_THROTTLE, type ThrottleOptions } from '../auth/throttle';
import { createSessionManager } from '../auth/sessions';
import type { Config } from '../env';
import { createAccountService } from './accounts';
import { createAuditService } from './audit';
import { createKeyEvents } from './key-events';
import { createKeyService } from './keys/service';
import { createOrgService } from './orgs';
import { createPlanPolicy } from './plans';
import { createSecretBox } from './secret-box';
import { createServiceAccountService } from './service-accounts';
import { createKeyStateLoader } from './verification/key-state';
import { createLocalRateLimiter } from './verification/ratelimiter';
import { createUsageRecorder } from './verification/usage';
import { createVerifier } from './verification/verifier';

export interface ServiceOptions {
  throttle?: ThrottleOptions;
  usageFlushMs?: number;
}

/** Wires the domain once; every surface (REST, tRPC, CLI) uses these same instances. */
export function createServices(handle: DbHandle, config: Config, opts: ServiceOptions = {}) {
  const { db } = handle;
  const events = createKeyEvents();
  const plans = createPlanPolicy(config);
  const secretBox = config.encryptionKey ? createSecretBox(config.encryptionKey) : undefined;
  const usage = createUsageRecorder(db, opts.usageFlushMs);
  const verifier = createVerifier({
    db,
    load: createKeyStateLoader(db, plans),
    rateLimiter: createLocalRateLimiter(),
    usage,
  });
  const orgs = createOrgService(db, events);
  const sessions = createSessionManager(db, { days: config.sessionDays, secure: config.nodeEnv === 'production' });
  const throttle = createLoginThrottle(db, opts.throttle ?? DEFAULT_THROTTLE);
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
    accounts: createAccountService(db, throttle, config),
    keys: createKeyService({ db, plans, events, secretBox }),
    audit: createAuditService(db),
    serviceAccounts: createServiceAccountService(db),
    async close() {
      await usage.close();
    },
  };
}

export type Services = ReturnType<typeof createServices>;
