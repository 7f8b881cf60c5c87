import type { Plan } from '../env';
import type { Actor, OrgRole } from '../services/actor';
import type { TestServer } from './server';

/** The actor a signed-up user acts as in their first organization, for driving services directly. */
export async function actorOf(s: TestServer, userId: string): Promise<Actor> {
  const [org] = await s.services.orgs.listForUser(userId);
  if (!org) throw new Error(`user ${userId} has no organization`);
  return {
    organizationId: org.id,
    plan: org.plan as Plan,
    userId,
    role: org.role as OrgRole,
    keyId: null,
    scopes: null,
    ip: null,
    userAgent: null,
  };
}
