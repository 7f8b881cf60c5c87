import type { Plan } from '../env';

export type OrgRole = 'owner' | 'admin' | 'member';

/**
 * Who is acting on an organization. Sessions act with their membership role;
 * API keys act for the user that owns them (if any) but are bounded by their scopes.
 */
export interface Actor {
  organizationId: string;
  plan: Plan;
  userId: string | null;
  /** A key acts with its user's role; a service-account key acts as an admin, bounded by scopes. */
  role: OrgRole;
  /** Set when the actor is an API key; scopes then bound what it may do. */
  keyId: string | null;
  scopes: readonly string[] | null;
  ip: string | null;
  userAgent: string | null;
}

export const actorId = (a: Actor): string => a.keyId ?? a.userId ?? 'system';
export const actorType = (a: Actor): 'user' | 'key' | 'system' => (a.keyId ? 'key' : a.userId ? 'user' : 'system');

/** Admins and owners manage every key of the org; members only the keys they own. */
export const canManageAllKeys = (a: Actor): boolean => a.role === 'owner' || a.role === 'admin';

/** Scopes an API key needs to use the key-management operations; read-write keys hold both. */
export const SCOPES = {
  keysRead: 'keys:read',
  keysWrite: 'keys:write',
  orgRead: 'org:read',
  orgWrite: 'org:write',
} as const;
