import type { Permission, Role } from '@keyward/db';
import type { KeyView } from '../../services/keys/types';
import type { VerifyResult } from '../../services/verification/verifier';

/** Unkey leaves unset fields out rather than sending null. */
function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  // A loop, not entries/filter/fromEntries: verifyKey renders through here on every request.
  const out: Partial<T> = {};
  for (const k in o) if (o[k] !== null && o[k] !== undefined) out[k] = o[k];
  return out;
}

const ms = (d: Date | null) => d?.getTime();

/** Unkey's `ownerId` is the deprecated spelling of `externalId`; either answers it. */
const ownerOf = (k: { ownerId: string | null; externalId: string | null }) => k.ownerId ?? k.externalId;

/** The `Key` schema of getKey and listKeys. */
export function keyJson(k: KeyView, plaintext?: string) {
  return defined({
    id: k.id,
    start: k.start,
    workspaceId: k.organizationId,
    apiId: k.apiId,
    name: k.name,
    ownerId: ownerOf(k),
    meta: k.meta,
    createdAt: k.createdAt.getTime(),
    updatedAt: ms(k.updatedAt),
    expires: ms(k.expiresAt),
    remaining: k.remaining,
    refill:
      k.refillInterval && k.refillAmount !== null
        ? defined({
            interval: k.refillInterval,
            amount: k.refillAmount,
            lastRefillAt: ms(k.lastRefillAt),
            ...(k.refillInterval === 'monthly' ? { refillDay: k.refillDay } : {}),
          })
        : undefined,
    // A limit inherited from the plan is not the key's own, so Unkey would show none.
    ratelimit: k.ratelimit.inherited
      ? undefined
      : {
          async: k.ratelimit.type === 'fast',
          type: k.ratelimit.type,
          limit: k.ratelimit.limit,
          duration: k.ratelimit.durationMs,
          refillRate: k.ratelimit.limit,
          refillInterval: k.ratelimit.durationMs,
        },
    roles: k.roles,
    permissions: k.permissions,
    enabled: k.enabled,
    plaintext,
  });
}

/**
 * The verifyKey answer. An unknown, revoked or deleted key says only NOT_FOUND; any other
 * outcome describes the key, since the caller holds its secret anyway.
 */
export function verifyJson(r: VerifyResult, requestId: string) {
  const k = r.key;
  if (!k || r.code === 'NOT_FOUND') return { valid: false, code: 'NOT_FOUND', requestId };
  return defined({
    keyId: k.id,
    valid: r.valid,
    code: r.code,
    name: k.name,
    ownerId: ownerOf(k),
    meta: k.meta,
    expires: k.expiresAt,
    ratelimit: r.ratelimit,
    // Only a count this verification read from the database; the cached copy may be stale.
    remaining: r.remaining,
    enabled: k.enabled,
    permissions: [...k.permissions].sort(),
    roles: k.roles,
    environment: k.environment,
    requestId,
  });
}

export const permissionJson = (p: Permission) => defined({ id: p.id, name: p.name, slug: p.name, description: p.description });
export const roleJson = (r: Role) => defined({ id: r.id, name: r.name, description: r.description });
