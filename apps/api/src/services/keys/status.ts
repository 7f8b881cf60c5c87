import type { KeyStatus } from './types';

interface StatusFields {
  revokedAt: Date | null;
  deletedAt: Date | null;
  enabled: boolean;
  expiresAt: Date | null;
  remaining: number | null;
}

/** The one definition of a key's status, in the order verification checks it. */
export function keyStatus(key: StatusFields, now: number): KeyStatus {
  if (key.revokedAt || key.deletedAt) return 'revoked';
  if (!key.enabled) return 'disabled';
  if (key.expiresAt && key.expiresAt.getTime() <= now) return 'expired';
  if (key.remaining !== null && key.remaining <= 0) return 'exhausted';
  return 'active';
}
