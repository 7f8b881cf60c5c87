import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1');

const int = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);

const plan = z.enum(['free', 'standard', 'pro']);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(3000, 0).pipe(z.number().max(65535)),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z.url().optional(),
  KEYWARD_DATA_DIR: z.string().min(1).default('.data/pglite'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KEYWARD_OPEN_SIGNUP: bool,
  KEYWARD_DEFAULT_PLAN: plan.default('standard'),
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
  };
}
