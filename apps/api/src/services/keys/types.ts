import type { Key } from '@keyward/db';

export type KeySource = 'dashboard' | 'rybbit' | 'org' | 'unkey' | 'wubble' | 'cli';
export type KeyStatus = 'active' | 'disabled' | 'expired' | 'revoked' | 'exhausted';
export type RatelimitType = 'fast' | 'consistent';

export interface RatelimitSettings {
  type: RatelimitType;
  limit: number;
  durationMs: number;
}

export interface RefillSettings {
  interval: 'daily' | 'monthly';
  amount: number;
  refillDay?: number | null;
}

/** What a surface may ask for when minting a key; every surface maps its own body onto this. */
export interface CreateKeyInput {
  source: KeySource;
  apiId?: string | null;
  name?: string | null;
  description?: string | null;
  prefix?: string | null;
  byteLength?: number | null;
  scopes?: string[] | null;
  permissions?: string[] | null;
  roles?: string[] | null;
  expiresAt?: Date | null;
  remaining?: number | null;
  refill?: RefillSettings | null;
  ratelimit?: RatelimitSettings | null;
  enabled?: boolean | null;
  ownerId?: string | null;
  externalId?: string | null;
  meta?: Record<string, unknown> | null;
  environment?: string | null;
  recoverable?: boolean | null;
  serviceAccountId?: string | null;
}

/** Fields an update may change; `undefined` leaves a field alone, `null` clears it. */
export type UpdateKeyInput = Partial<
  Pick<
    CreateKeyInput,
    | 'name'
    | 'description'
    | 'scopes'
    | 'permissions'
    | 'roles'
    | 'expiresAt'
    | 'remaining'
    | 'refill'
    | 'ratelimit'
    | 'enabled'
    | 'ownerId'
    | 'externalId'
    | 'meta'
    | 'environment'
  >
>;

export interface EffectiveRatelimit extends RatelimitSettings {
  /** True when the key has no limit of its own and follows its organization's plan. */
  inherited: boolean;
}

/** A key as every surface renders it: never the secret, always its derived state. */
export interface KeyView extends Omit<Key, 'hash' | 'recoverableCiphertext'> {
  status: KeyStatus;
  permissions: string[];
  roles: string[];
  ratelimit: EffectiveRatelimit;
  recoverable: boolean;
}

export interface KeyListFilter {
  status?: KeyStatus;
  userId?: string;
  ownerId?: string;
  externalId?: string;
  apiId?: string;
  search?: string;
  /** Only keys that are not revoked: Unkey has no revoked state, a revoked key reads as deleted. */
  live?: boolean;
  cursor?: string;
  limit: number;
}
