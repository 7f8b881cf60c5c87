import { createPublicKey } from 'node:crypto';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1');

const int = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);

const plan = z.enum(['free', 'standard', 'pro']);

/**
 * GitHub secret-scanning public keys, `[{key_identifier, key}]` with PEM keys, as GitHub serves
 * them at api.github.com/meta/public_keys/secret_scanning. Configured, never fetched: our
 * machines may be offline. Each PEM is parsed here so a broken one stops startup.
 */
const secretScanningKeys = z
  .string()
  .default('[]')
  .transform((raw, ctx) => {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON: [{"key_identifier": "...", "key": "-----BEGIN PUBLIC KEY-----..."}]' });
      return z.NEVER;
    }
  })
  .pipe(
    z.array(
      z.object({
        key_identifier: z.string().min(1),
        key: z.string().refine((pem) => {
          try {
            return createPublicKey(pem).asymmetricKeyType === 'ec';
          } catch {
            return false;
          }
        }, 'must be a PEM-encoded EC public key'),
      }),
    ),
  );

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(3000, 0).pipe(z.number().max(65535)),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z.url().optional(),
  KEYWARD_DATA_DIR: z.string().min(1).default('.data/pglite'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KEYWARD_OPEN_SIGNUP: bool,
  KEYWARD_DEFAULT_PLAN: plan.default('standard'),
  // Seals recoverable keys and stored Idempotency-Key replays. Unset: `recoverable` is a 400 and
  // replays are sealed with a per-process key, so they last only as long as the process
  // (set it whenever more than one instance serves the API).
  KEYWARD_ENCRYPTION_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'KEYWARD_ENCRYPTION_KEY must be 64 hex characters (32 bytes)')
    .optional(),
  KEYWARD_TRUSTED_ORIGINS: z.string().default(''),
  KEYWARD_TRUST_PROXY: bool,
  KEYWARD_SESSION_DAYS: int(30, 1),
  KEYWARD_BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i).default('100kb'),
  KEYWARD_PASSWORD_COST: int(15, 10).pipe(z.number().max(20)),
  KEYWARD_PLAN_FREE_RATE_LIMIT: int(60, 1),
  KEYWARD_PLAN_STANDARD_RATE_LIMIT: int(200, 1),
  KEYWARD_PLAN_PRO_RATE_LIMIT: int(1000, 1),
  KEYWARD_PLAN_RATE_WINDOW_MS: int(60_000, 1000),
  KEYWARD_PLAN_FREE_KEY_QUOTA: int(10),
  KEYWARD_PLAN_STANDARD_KEY_QUOTA: int(1000, 1),
  KEYWARD_PLAN_PRO_KEY_QUOTA: int(100_000, 1),
  REDIS_URL: z.url().optional(),
  KEYWARD_CACHE_MAX_KEYS: int(250_000, 1),
  // /metrics exposes traffic and key-usage volumes: off entirely, or behind `Authorization: Bearer <token>`.
  KEYWARD_METRICS_DISABLED: bool,
  KEYWARD_METRICS_TOKEN: z.string().min(16, 'KEYWARD_METRICS_TOKEN must be at least 16 characters').optional(),
  // /readyz reveals whether the database and notifications are up; a public deployment may want that private.
  KEYWARD_READYZ_TOKEN: z.string().min(16, 'KEYWARD_READYZ_TOKEN must be at least 16 characters').optional(),
  KEYWARD_SECRET_SCANNING_KEYS: secretScanningKeys,
});

export type Plan = z.infer<typeof plan>;

export interface PlanLimits {
  /** Requests per window for keys without a rate limit of their own. */
  rateLimit: number;
  rateWindowMs: number;
  keyQuota: number;
}

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: string;
  openSignup: boolean;
  defaultPlan: Plan;
  encryptionKey: Buffer | undefined;
  trustedOrigins: string[];
  trustProxy: boolean;
  sessionDays: number;
  bodyLimit: string;
  passwordCost: number;
  plans: Record<Plan, PlanLimits>;
  redisUrl: string | undefined;
  /** Keys whose verification state one instance holds in memory (least recently used go first). */
  cacheMaxKeys: number;
  metrics: { enabled: boolean; token: string | undefined };
  readyzToken: string | undefined;
  /** Public keys that sign secret-scanning reports, by GitHub's key identifier (PEM). */
  secretScanningKeys: Map<string, string>;
}

export class ConfigError extends Error {}

/** The one place that reads the environment; everything else receives a Config. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.KEYWARD_DATA_DIR,
    logLevel: e.LOG_LEVEL,
    openSignup: e.KEYWARD_OPEN_SIGNUP,
    defaultPlan: e.KEYWARD_DEFAULT_PLAN,
    encryptionKey: e.KEYWARD_ENCRYPTION_KEY ? Buffer.from(e.KEYWARD_ENCRYPTION_KEY, 'hex') : undefined,
    trustedOrigins: e.KEYWARD_TRUSTED_ORIGINS.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    trustProxy: e.KEYWARD_TRUST_PROXY,
    sessionDays: e.KEYWARD_SESSION_DAYS,
    bodyLimit: e.KEYWARD_BODY_LIMIT,
    passwordCost: e.KEYWARD_PASSWORD_COST,
    plans: {
      free: {
        rateLimit: e.KEYWARD_PLAN_FREE_RATE_LIMIT,
        rateWindowMs: e.KEYWARD_PLAN_RATE_WINDOW_MS,
        keyQuota: e.KEYWARD_PLAN_FREE_KEY_QUOTA,
      },
      standard: {
        rateLimit: e.KEYWARD_PLAN_STANDARD_RATE_LIMIT,
        rateWindowMs: e.KEYWARD_PLAN_RATE_WINDOW_MS,
        keyQuota: e.KEYWARD_PLAN_STANDARD_KEY_QUOTA,
      },
      pro: {
        rateLimit: e.KEYWARD_PLAN_PRO_RATE_LIMIT,
        rateWindowMs: e.KEYWARD_PLAN_RATE_WINDOW_MS,
        keyQuota: e.KEYWARD_PLAN_PRO_KEY_QUOTA,
      },
    },
    redisUrl: e.REDIS_URL,
    cacheMaxKeys: e.KEYWARD_CACHE_MAX_KEYS,
    metrics: { enabled: !e.KEYWARD_METRICS_DISABLED, token: e.KEYWARD_METRICS_TOKEN },
    readyzToken: e.KEYWARD_READYZ_TOKEN,
    secretScanningKeys: new Map(e.KEYWARD_SECRET_SCANNING_KEYS.map((k) => [k.key_identifier, k.key])),
  };
}
