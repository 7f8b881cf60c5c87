import { z } from 'zod';
import { parseWith } from '../../http/validate';
import { badRequest } from '../../services/errors';
import type { LinkKind, LinkRef } from '../../services/keys/links';
import type { RatelimitSettings, RefillSettings } from '../../services/keys/types';

/**
 * Unkey v1 request bodies and queries, as the @unkey/api 0.38 OpenAPI types describe them.
 * Unknown fields are dropped, as Unkey does; the domain rules (lengths, ranges, future expiry)
 * are the services' and answer with the field they concern.
 */

const id = z.string({ error: 'is required' }).min(1, 'must not be empty').max(128, 'must be at most 128 characters');
const text = z.string().max(10_000, 'must be at most 10000 characters');
const int = () => z.number().int('must be an integer');
/** Unix ms within what a Date can hold. */
const unixMs = int().min(0, 'must be a unix timestamp in milliseconds').max(8.64e15, 'is out of range');
const meta = z.record(z.string(), z.unknown());

const refill = z.object({
  interval: z.enum(['daily', 'monthly'], { error: 'must be "daily" or "monthly"' }),
  amount: int().min(1, 'must be at least 1'),
  refillDay: int().min(1, 'must be 1-31').max(31, 'must be 1-31').nullish(),
});

const ratelimit = z.object({
  async: z.boolean().optional(),
  type: z.enum(['fast', 'consistent'], { error: 'must be "fast" or "consistent"' }).optional(),
  limit: int().min(1, 'must be at least 1'),
  duration: int().optional(),
  refillRate: int().optional(),
  refillInterval: int().optional(),
});

/** Our prefixes are 1-16 of [A-Za-z0-9_]; an empty one means "use the default", like none at all. */
const prefix = z.string().regex(/^[A-Za-z0-9_]{0,16}$/, 'must be at most 16 characters of A-Z, a-z, 0-9 and _');

export const createKeyBody = z.object({
  apiId: id,
  prefix: prefix.optional(),
  name: text.optional(),
  byteLength: int().min(16, 'must be 16-255').max(255, 'must be 16-255').optional(),
  ownerId: text.optional(),
  externalId: text.optional(),
  meta: meta.optional(),
  roles: z.array(text).optional(),
  permissions: z.array(text).optional(),
  expires: unixMs.optional(),
  remaining: int().optional(),
  refill: refill.optional(),
  ratelimit: ratelimit.optional(),
  enabled: z.boolean().optional(),
  recoverable: z.boolean().optional(),
  environment: text.optional(),
});

/** A permission or role named by id or name (`slug` is the newer spelling of a permission's name). */
const ref = z.object({
  id: id.optional(),
  name: text.optional(),
  slug: text.optional(),
  create: z.boolean().optional(),
});
const refs = z.array(ref);

export const updateKeyBody = z.object({
  keyId: id,
  name: text.nullish(),
  ownerId: text.nullish(),
  externalId: text.nullish(),
  meta: meta.nullish(),
  expires: unixMs.nullish(),
  ratelimit: ratelimit.nullish(),
  remaining: int().nullish(),
  refill: refill.nullish(),
  enabled: z.boolean().optional(),
  roles: refs.optional(),
  permissions: refs.optional(),
});

export const keyIdBody = z.object({ keyId: id });
export const deleteKeyBody = z.object({ keyId: id, permanent: z.boolean().optional() });

export const updateRemainingBody = z.object({
  keyId: id,
  op: z.enum(['increment', 'decrement', 'set'], { error: 'must be "increment", "decrement" or "set"' }),
  value: int().nullable(),
});

export const permissionRefsBody = z.object({ keyId: id, permissions: refs });
export const roleRefsBody = z.object({ keyId: id, roles: refs });

const bool = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');
const queryInt = z.string().regex(/^\d{1,16}$/, 'must be a non-negative integer').transform(Number);

export const getKeyQuery = z.object({ keyId: id, decrypt: bool.optional() });

export const getVerificationsQuery = z.object({
  keyId: id.optional(),
  ownerId: text.optional(),
  start: queryInt.optional(),
  end: queryInt.optional(),
  granularity: z.literal('day', { error: 'must be "day"' }).optional(),
});

export const verifyKeyBody = z.object({
  key: z.string({ error: 'is required' }).min(1, 'must not be empty'),
  apiId: id.optional(),
  tags: z.array(z.string().min(1).max(128, 'must be at most 128 characters')).max(64, 'may hold at most 64 tags').optional(),
  // Shape checked by core's validatePermissionQuery, which bounds depth and size.
  authorization: z.object({ permissions: z.unknown() }).optional(),
  remaining: z.object({ cost: int().optional() }).optional(),
  ratelimit: z.object({ cost: int().optional() }).optional(),
  ratelimits: z
    .array(
      z.object({
        name: z.string({ error: 'is required' }),
        cost: int().optional(),
        limit: int().optional(),
        duration: int().optional(),
      }),
    )
    .optional(),
});

export const createApiBody = z.object({ name: z.string({ error: 'is required' }).max(10_000) });
export const apiIdBody = z.object({ apiId: id });
export const getApiQuery = z.object({ apiId: id });
export const listKeysQuery = z.object({
  apiId: id,
  limit: queryInt.pipe(z.number().min(1, 'must be 1-100').max(100, 'must be 1-100')).optional(),
  cursor: z.string().max(1024).optional(),
  ownerId: text.optional(),
  externalId: text.optional(),
  decrypt: bool.optional(),
  revalidateKeysCache: bool.optional(),
});

export const createPermissionBody = z.object({
  name: z.string({ error: 'is required' }).max(10_000),
  slug: z.string().max(10_000).optional(),
  description: text.optional(),
});
export const permissionIdBody = z.object({ permissionId: id });
export const createRoleBody = z.object({
  name: z.string({ error: 'is required' }).max(10_000),
  description: text.optional(),
  // Not in Unkey v1: lets a role be created with its permissions in one call.
  permissions: z.array(text).optional(),
});
export const roleIdBody = z.object({ roleId: id });

/** Unkey accepts both the current `duration` and the older `refillInterval` for the window. */
export function ratelimitOf(r: z.output<typeof ratelimit>): RatelimitSettings {
  const durationMs = r.duration ?? r.refillInterval;
  if (durationMs === undefined) throw badRequest('ratelimit.duration: is required', 'ratelimit.duration');
  // `async` replaced `type`: asynchronous is the fast (local) kind.
  const type = r.type ?? (r.async === false ? 'consistent' : 'fast');
  return { type, limit: r.limit, durationMs };
}

/** Unkey ignores `refillDay` on daily refills (it stores null) instead of refusing it. */
export function refillOf(r: z.output<typeof refill>): RefillSettings {
  return r.interval === 'daily' ? { interval: 'daily', amount: r.amount } : { interval: 'monthly', amount: r.amount, refillDay: r.refillDay ?? null };
}

/** Permission references: `slug` wins over the deprecated `name`. */
export function permissionRefs(list: z.output<typeof refs>) {
  return list.map((r) => ({ id: r.id, name: r.slug ?? r.name, create: r.create }));
}

export function roleRefs(list: z.output<typeof refs>) {
  return list.map((r) => ({ id: r.id, name: r.name, create: r.create }));
}

/** The body of keys.add/set/remove{Permissions,Roles}. */
export function linkRefsOf(kind: LinkKind, body: unknown): { keyId: string; refs: LinkRef[] } {
  if (kind === 'permissions') {
    const b = parseWith(permissionRefsBody, body);
    return { keyId: b.keyId, refs: permissionRefs(b.permissions) };
  }
  const b = parseWith(roleRefsBody, body);
  return { keyId: b.keyId, refs: roleRefs(b.roles) };
}
