import { type ExpiryInput, normalizeExpiry } from '@keyward/core';
import { badRequest } from '../services/errors';

/** Every surface's expiry form goes through core's one normaliser; errors name the surface's field. */
export function expiryFrom(input: ExpiryInput, field: string): Date | null {
  const r = normalizeExpiry(input);
  if (!r.ok) throw badRequest(r.message, field);
  return r.expiresAt;
}
