import { isValidPermissionName, MAX_SCOPES, parseScope, validateRefill } from '@keyward/core';
import { badRequest } from '../errors';
import type { CreateKeyInput, RatelimitSettings, RefillSettings } from './types';

/**
 * Domain rules every surface gets for free. Surfaces validate their wire format with zod;
 * these are the rules that hold whatever the wire format was.
 */
export const LIMITS = {
  nameLength: 200,
  descriptionLength: 1000,
  metaBytes: 16 * 1024,
  metaDepth: 16,
  listLength: 100,
  labelLength: 256,
  maxRemaining: 2_147_483_647,
  minRatelimitDurationMs: 1000,
  maxRatelimitDurationMs: 30 * 24 * 3600 * 1000,
} as const;

export function validateScopes(scopes: readonly string[], field = 'scopes'): void {
  if (scopes.length > MAX_SCOPES) throw badRequest(`${field} may hold at most ${MAX_SCOPES} entries`, field);
  for (const s of scopes) {
    const r = parseScope(s);
    if (!r.ok) throw badRequest(`${field}: ${r.message}`, field);
  }
}

export function validateNames(names: readonly string[], field: 'permissions' | 'roles'): void {
  if (names.length > LIMITS.listLength) throw badRequest(`${field} may hold at most ${LIMITS.listLength} entries`, field);
  for (const n of names) {
    if (!isValidPermissionName(n)) throw badRequest(`${field}: "${String(n).slice(0, 64)}" is not a valid name`, field);
  }
}

export function validateRatelimit(r: RatelimitSettings): void {
  if (!Number.isInteger(r.limit) || r.limit < 1) throw badRequest('ratelimit.limit must be a positive integer', 'ratelimit.limit');
  if (
    !Number.isInteger(r.durationMs) ||
    r.durationMs < LIMITS.minRatelimitDurationMs ||
    r.durationMs > LIMITS.maxRatelimitDurationMs
  ) {
    throw badRequest(
      `ratelimit.duration must be an integer number of milliseconds between ${LIMITS.minRatelimitDurationMs} and ${LIMITS.maxRatelimitDurationMs}`,
      'ratelimit.duration',
    );
  }
}

export function validateRemaining(remaining: number, field = 'remaining'): void {
  if (!Number.isInteger(remaining) || remaining < 0 || remaining > LIMITS.maxRemaining) {
    throw badRequest(`${field} must be an integer between 0 and ${LIMITS.maxRemaining}`, field);
  }
}

export function validateRefillSettings(refill: RefillSettings, remaining: number | null | undefined): void {
  const r = validateRefill({
    interval: refill.interval,
    amount: refill.amount,
    ...(refill.refillDay != null ? { refillDay: refill.refillDay } : {}),
  });
  if (!r.ok) throw badRequest(`refill: ${r.message}`, 'refill');
  if (remaining == null) throw badRequest('refill needs remaining to be set', 'refill');
}

export function validateText(value: string | null | undefined, field: string, max: number): void {
  if (value != null && value.length > max) throw badRequest(`${field} must be at most ${max} characters`, field);
}

/** Walks without recursion, so no input can exhaust the stack here. */
function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: { v: unknown; depth: number }[] = [{ v: value, depth: 1 }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    if (typeof next.v !== 'object' || next.v === null) continue;
    if (next.depth > max) return true;
    for (const child of Object.values(next.v)) stack.push({ v: child, depth: next.depth + 1 });
  }
  return false;
}

export function validateMeta(meta: Record<string, unknown> | null | undefined): void {
  if (meta == null) return;
  if (typeof meta !== 'object' || Array.isArray(meta)) throw badRequest('meta must be a JSON object', 'meta');
  // JSON.stringify (here, in the driver, in every response) recurses: deep nesting would overflow it.
  if (nestedDeeperThan(meta, LIMITS.metaDepth)) throw badRequest(`meta may nest at most ${LIMITS.metaDepth} levels`, 'meta');
  if (Buffer.byteLength(JSON.stringify(meta)) > LIMITS.metaBytes) {
    throw badRequest(`meta must be at most ${LIMITS.metaBytes} bytes of JSON`, 'meta');
  }
}

export function validateCommon(input: Omit<Partial<CreateKeyInput>, 'source'>, now: number): void {
  validateText(input.name, 'name', LIMITS.nameLength);
  validateText(input.description, 'description', LIMITS.descriptionLength);
  validateText(input.ownerId, 'ownerId', LIMITS.labelLength);
  validateText(input.externalId, 'externalId', LIMITS.labelLength);
  validateText(input.environment, 'environment', LIMITS.labelLength);
  validateMeta(input.meta);
  if (input.scopes) validateScopes(input.scopes);
  if (input.permissions) validateNames(input.permissions, 'permissions');
  if (input.roles) validateNames(input.roles, 'roles');
  if (input.ratelimit) validateRatelimit(input.ratelimit);
  if (input.remaining != null) validateRemaining(input.remaining);
  if (input.expiresAt && input.expiresAt.getTime() <= now) throw badRequest('expiresAt must be in the future', 'expiresAt');
}
