import { z } from 'zod';

/** Inputs shared by the dashboard's procedures; bounds match the key service's rules. */
export const id = z.string().min(1).max(64);
export const limit = z.number().int().min(1).max(100).default(25);
export const cursor = z.string().max(512).optional();
export const keyStatus = z.enum(['active', 'disabled', 'expired', 'revoked', 'exhausted']);
export const role = z.enum(['owner', 'admin', 'member']);
export const plan = z.enum(['free', 'standard', 'pro']);

export const ratelimit = z.object({
  type: z.enum(['fast', 'consistent']).default('fast'),
  limit: z.number().int().min(1).max(1_000_000_000),
  durationMs: z.number().int().min(1000).max(30 * 86_400_000),
});

export const refill = z.object({
  interval: z.enum(['daily', 'monthly']),
  amount: z.number().int().min(1).max(2_147_483_647),
  refillDay: z.number().int().min(1).max(31).nullish(),
});

export const meta = z.record(z.string().max(256), z.unknown());

const stringList = (max: number) => z.array(z.string().min(1).max(512)).max(max);

export const keyFields = {
  name: z.string().trim().min(1).max(200),
  description: z.string().max(1000).nullish(),
  scopes: stringList(64).optional(),
  permissions: stringList(100).optional(),
  roles: stringList(100).optional(),
  expiresAt: z.coerce.date().nullish(),
  remaining: z.number().int().min(0).max(2_147_483_647).nullish(),
  refill: refill.nullish(),
  ratelimit: ratelimit.nullish(),
  enabled: z.boolean().optional(),
  ownerId: z.string().max(256).nullish(),
  externalId: z.string().max(256).nullish(),
  environment: z.string().max(256).nullish(),
  meta: meta.nullish(),
};
