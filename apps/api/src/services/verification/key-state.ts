import type { RefillConfig } from '@keyward/core';
import {
  type Db,
  keys,
  keysPermissions,
  keysRoles,
  memberships,
  organizations,
  permissions,
  roles,
  rolesPermissions,
} from '@keyward/db';
import { and, eq, sql } from 'drizzle-orm';
import type { Plan } from '../../env';
import type { OrgRole } from '../actor';
import { effectiveRatelimit } from '../keys/effective-ratelimit';
import type { EffectiveRatelimit } from '../keys/types';
import type { PlanPolicy } from '../plans';
import { createBatchLoader } from './batch-loader';

/** Everything a verification needs about a key, loaded in one go and safe to cache. */
export interface KeyState {
  id: string;
  hash: string;
  organizationId: string;
  apiId: string;
  userId: string | null;
  serviceAccountId: string | null;
  /** The role the key acts with; null when its user has left the organization. */
  role: OrgRole | null;
  plan: Plan;
  name: string | null;
  ownerId: string | null;
  externalId: string | null;
  meta: Record<string, unknown> | null;
  environment: string | null;
  scopes: string[];
  /** Direct permissions plus those of the key's roles. */
  permissions: ReadonlySet<string>;
  roles: string[];
  enabled: boolean;
  revoked: boolean;
  expiresAt: number | null;
  /** A snapshot for display; the authoritative count lives in the database. */
  remaining: number | null;
  refill: RefillConfig | null;
  ratelimit: EffectiveRatelimit;
}

export type KeyStateLoader = (hash: string) => Promise<KeyState | null>;

/**
 * Loads key state by hash. Concurrent misses (a flood of unknown keys, a cold cache) share one
 * query per batch instead of waiting on a query each; see createBatchLoader for when batches go.
 */
export function createKeyStateLoader(db: Db, plans: PlanPolicy, opts: { onQuery?: (hashes: number) => void } = {}): KeyStateLoader {
  const select = selectKeyStates(db);
  return createBatchLoader(async (hashes: readonly string[]) => {
    opts.onQuery?.(hashes.length);
    const rows = await select.execute({ hashes: hashes.join(',') });
    return new Map(rows.map((row) => [row.key.hash, toKeyState(row, plans)]));
  });
}

/**
 * One round trip for many keys: the links come back as arrays from correlated subqueries.
 * Built once and prepared: the hashes travel as one comma-joined parameter (hex holds no comma),
 * so every batch, whatever its size, reuses the statement and its plan.
 */
function selectKeyStates(db: Db) {
  return db
    .select({
      key: keys,
      plan: organizations.plan,
      role: memberships.role,
      direct: sql<string[]>`array(select ${permissions.name} from ${keysPermissions}
        join ${permissions} on ${permissions.id} = ${keysPermissions.permissionId}
        where ${keysPermissions.keyId} = ${keys.id})`,
      roleNames: sql<string[]>`array(select ${roles.name} from ${keysRoles}
        join ${roles} on ${roles.id} = ${keysRoles.roleId}
        where ${keysRoles.keyId} = ${keys.id})`,
      inherited: sql<string[]>`array(select ${permissions.name} from ${keysRoles}
        join ${rolesPermissions} on ${rolesPermissions.roleId} = ${keysRoles.roleId}
        join ${permissions} on ${permissions.id} = ${rolesPermissions.permissionId}
        where ${keysRoles.keyId} = ${keys.id})`,
    })
    .from(keys)
    .innerJoin(organizations, eq(organizations.id, keys.organizationId))
    .leftJoin(memberships, and(eq(memberships.organizationId, keys.organizationId), eq(memberships.userId, keys.userId)))
    .where(sql`${keys.hash} = any(string_to_array(${sql.placeholder('hashes')}, ','))`)
    .prepare('key_states');
}

type KeyStateRow = Awaited<ReturnType<ReturnType<typeof selectKeyStates>['execute']>>[number];

function toKeyState(row: KeyStateRow, plans: PlanPolicy): KeyState {
  const k = row.key;
  const plan = row.plan as Plan;
  return {
    id: k.id,
    hash: k.hash,
    organizationId: k.organizationId,
    apiId: k.apiId,
    userId: k.userId,
    serviceAccountId: k.serviceAccountId,
    // A key without a user (service account, root key) acts as an admin bounded by its scopes.
    role: k.userId ? ((row.role as OrgRole | null) ?? null) : 'admin',
    plan,
    name: k.name,
    ownerId: k.ownerId,
    externalId: k.externalId,
    meta: (k.meta as Record<string, unknown> | null) ?? null,
    environment: k.environment,
    scopes: k.scopes,
    permissions: new Set([...row.direct, ...row.inherited]),
    roles: [...row.roleNames].sort(),
    enabled: k.enabled,
    revoked: k.revokedAt !== null || k.deletedAt !== null,
    expiresAt: k.expiresAt?.getTime() ?? null,
    remaining: k.remaining,
    refill:
      k.refillInterval && k.refillAmount !== null
        ? {
            interval: k.refillInterval as 'daily' | 'monthly',
            amount: k.refillAmount,
            ...(k.refillDay !== null ? { refillDay: k.refillDay } : {}),
          }
        : null,
    ratelimit: effectiveRatelimit(k, plans.limits(plan)),
  };
}
