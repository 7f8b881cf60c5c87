import { satisfies } from '@keyward/core';
import { type Actor, canManageAllKeys, type OrgRole } from './actor';
import { forbidden, notFound } from './errors';

/** Keys are bounded by their scopes on top of the role of whoever they act for. */
export function assertScope(actor: Actor, scope: string): void {
  if (actor.scopes !== null && !satisfies(actor.scopes, scope)) {
    throw forbidden(`This API key lacks the ${scope} scope`);
  }
}

export function assertRole(actor: Actor, allowed: readonly OrgRole[], what: string): void {
  if (!allowed.includes(actor.role)) {
    throw forbidden(`Only ${allowed.join(' or ')}s can ${what}`);
  }
}

/**
 * Members see and manage only keys they own; a key they may not see is reported as
 * missing rather than forbidden, so ids of other people's keys leak nothing.
 */
export function assertKeyAccess(actor: Actor, key: { organizationId: string; userId: string | null }): void {
  if (key.organizationId !== actor.organizationId) throw notFound('Key not found');
  if (!canManageAllKeys(actor) && key.userId !== actor.userId) throw notFound('Key not found');
}
