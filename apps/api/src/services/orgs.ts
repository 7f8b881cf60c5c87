import { newId } from '@keyward/core';
import { apis, type Db, invitations, type LeakedKeyPolicy, memberships, organizations, users } from '@keyward/db';
import { and, asc, count, eq, gt, isNull } from 'drizzle-orm';
import type { Plan } from '../env';
import type { Actor, OrgRole } from './actor';
import { SCOPES } from './actor';
import { writeAudit } from './audit';
import { assertRole, assertScope } from './authorize';
import { badRequest, conflict, forbidden, notFound } from './errors';
import type { KeyEvents } from './key-events';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export const INVITATION_DAYS = 14;

/** Every organization is born with a default API so keys have a keyspace from the first minute. */
export async function insertOrganization(tx: Tx, name: string, plan: Plan) {
  const [org] = await tx.insert(organizations).values({ id: newId('org'), name, plan }).returning();
  if (!org) throw new Error('insert returned no row');
  await tx.insert(apis).values({ id: newId('api'), organizationId: org.id, name: 'Default', isDefault: true });
  return org;
}

export function createOrgService(db: Db, events: KeyEvents, now: () => number = Date.now) {
  async function listForUser(userId: string) {
    return db
      .select({ id: organizations.id, name: organizations.name, plan: organizations.plan, role: memberships.role })
      .from(memberships)
      .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
      .where(eq(memberships.userId, userId))
      .orderBy(asc(memberships.createdAt));
  }

  async function membership(userId: string, organizationId: string) {
    const [row] = await db
      .select({ role: memberships.role, plan: organizations.plan, name: organizations.name })
      .from(memberships)
      .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
      .where(and(eq(memberships.userId, userId), eq(memberships.organizationId, organizationId)));
    return row ? { role: row.role as OrgRole, plan: row.plan as Plan, name: row.name } : null;
  }

  async function requireMembership(userId: string, organizationId: string) {
    const m = await membership(userId, organizationId);
    if (!m) throw forbidden('You are not a member of that organization');
    return m;
  }

  async function members(actor: Actor) {
    assertScope(actor, SCOPES.orgRead);
    return db
      .select({ userId: users.id, email: users.email, name: users.name, role: memberships.role, joinedAt: memberships.createdAt })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(memberships.organizationId, actor.organizationId))
      .orderBy(asc(memberships.createdAt));
  }

  async function create(actor: Pick<Actor, 'userId' | 'ip' | 'userAgent'> & { defaultPlan: Plan }, name: string) {
    if (!actor.userId) throw badRequest('Only a signed-in user can create an organization');
    const userId = actor.userId;
    return db.transaction(async (tx) => {
      const org = await insertOrganization(tx, name, actor.defaultPlan);
      await tx.insert(memberships).values({ organizationId: org.id, userId, role: 'owner' });
      await writeAudit(
        tx,
        { organizationId: org.id, plan: org.plan as Plan, userId, role: 'owner', keyId: null, scopes: null, ip: actor.ip, userAgent: actor.userAgent },
        { action: 'org.create', targetType: 'organization', targetId: org.id, metadata: { name } },
      );
      return org;
    });
  }

  async function setPlan(actor: Actor, plan: Plan) {
    assertScope(actor, SCOPES.orgWrite);
    assertRole(actor, ['owner'], 'change the plan');
    await db.transaction(async (tx) => {
      await tx.update(organizations).set({ plan, updatedAt: new Date(now()) }).where(eq(organizations.id, actor.organizationId));
      await writeAudit(tx, actor, { action: 'org.plan', targetType: 'organization', targetId: actor.organizationId, metadata: { from: actor.plan, to: plan } });
    });
    await events.changed({ kind: 'org', organizationId: actor.organizationId });
  }

  /** What a leak reported by a secret scanner does to the organization's key: revoke it, or only flag it. */
  async function setLeakedKeyPolicy(actor: Actor, policy: LeakedKeyPolicy) {
    assertScope(actor, SCOPES.orgWrite);
    assertRole(actor, ['owner'], 'change the leaked-key policy');
    await db.transaction(async (tx) => {
      const [before] = await tx
        .select({ policy: organizations.leakedKeyPolicy })
        .from(organizations)
        .where(eq(organizations.id, actor.organizationId));
      await tx
        .update(organizations)
        .set({ leakedKeyPolicy: policy, updatedAt: new Date(now()) })
        .where(eq(organizations.id, actor.organizationId));
      await writeAudit(tx, actor, {
        action: 'org.leaked_key_policy',
        targetType: 'organization',
        targetId: actor.organizationId,
        metadata: { from: before?.policy ?? null, to: policy },
      });
    });
  }

  /** The organization's current leaked-key policy; any member may read it. */
  async function leakedKeyPolicy(actor: Actor): Promise<LeakedKeyPolicy> {
    assertScope(actor, SCOPES.orgRead);
    const [row] = await db.select({ policy: organizations.leakedKeyPolicy }).from(organizations).where(eq(organizations.id, actor.organizationId));
    if (!row) throw notFound('Organization not found');
    return row.policy as LeakedKeyPolicy;
  }

  async function invite(actor: Actor, email: string, role: OrgRole) {
    assertScope(actor, SCOPES.orgWrite);
    assertRole(actor, ['owner'], 'invite members');
    const normalized = email.trim().toLowerCase();
    const [existing] = await db
      .select({ userId: memberships.userId })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.organizationId, actor.organizationId), eq(users.email, normalized)));
    if (existing) throw conflict(`${normalized} is already a member`, 'email');
    return db.transaction(async (tx) => {
      const [inv] = await tx
        .insert(invitations)
        .values({
          id: newId('inv'),
          organizationId: actor.organizationId,
          email: normalized,
          role,
          invitedBy: actor.userId ?? actor.keyId ?? 'system',
          expiresAt: new Date(now() + INVITATION_DAYS * 86_400_000),
        })
        .returning();
      if (!inv) throw new Error('insert returned no row');
      await writeAudit(tx, actor, { action: 'member.invite', targetType: 'invitation', targetId: inv.id, metadata: { email: normalized, role } });
      return inv;
    });
  }

  async function pendingInvitations(actor: Actor) {
    assertScope(actor, SCOPES.orgRead);
    return db
      .select()
      .from(invitations)
      .where(and(eq(invitations.organizationId, actor.organizationId), isNull(invitations.acceptedAt), gt(invitations.expiresAt, new Date(now()))))
      .orderBy(asc(invitations.createdAt));
  }

  async function ownerCount(tx: Tx, organizationId: string) {
    const [row] = await tx
      .select({ n: count() })
      .from(memberships)
      .where(and(eq(memberships.organizationId, organizationId), eq(memberships.role, 'owner')));
    return row?.n ?? 0;
  }

  const memberIs = (organizationId: string, userId: string) =>
    and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId));

  /** The membership, or 404; refused when it would take the organization's last owner away. */
  async function memberLeavingOwnership(tx: Tx, organizationId: string, userId: string, losesOwnership: boolean) {
    const [m] = await tx.select().from(memberships).where(memberIs(organizationId, userId));
    if (!m) throw notFound('Member not found');
    if (m.role === 'owner' && losesOwnership && (await ownerCount(tx, organizationId)) <= 1) {
      throw conflict('An organization needs at least one owner');
    }
    return m;
  }

  async function setRole(actor: Actor, userId: string, role: OrgRole) {
    assertScope(actor, SCOPES.orgWrite);
    assertRole(actor, ['owner'], 'change member roles');
    await db.transaction(async (tx) => {
      const m = await memberLeavingOwnership(tx, actor.organizationId, userId, role !== 'owner');
      await tx.update(memberships).set({ role }).where(memberIs(actor.organizationId, userId));
      await writeAudit(tx, actor, { action: 'member.role', targetType: 'user', targetId: userId, metadata: { from: m.role, to: role } });
    });
    await events.changed({ kind: 'org', organizationId: actor.organizationId });
  }

  async function removeMember(actor: Actor, userId: string) {
    assertScope(actor, SCOPES.orgWrite);
    assertRole(actor, ['owner'], 'remove members');
    await db.transaction(async (tx) => {
      await memberLeavingOwnership(tx, actor.organizationId, userId, true);
      await tx.delete(memberships).where(memberIs(actor.organizationId, userId));
      await writeAudit(tx, actor, { action: 'member.remove', targetType: 'user', targetId: userId });
    });
    // Keys act with their user's role; a removed member's keys must stop at once.
    await events.changed({ kind: 'org', organizationId: actor.organizationId });
  }

  /** Invitations waiting for a signed-in user's email: how an existing account joins another organization. */
  async function invitationsFor(email: string) {
    return db
      .select({
        id: invitations.id,
        organizationId: invitations.organizationId,
        organizationName: organizations.name,
        role: invitations.role,
        invitedBy: invitations.invitedBy,
        createdAt: invitations.createdAt,
        expiresAt: invitations.expiresAt,
      })
      .from(invitations)
      .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
      .where(and(eq(invitations.email, email), isNull(invitations.acceptedAt), gt(invitations.expiresAt, new Date(now()))))
      .orderBy(asc(invitations.createdAt));
  }

  /** Someone else's, used, expired or unknown invitations are all just "not found". */
  async function acceptInvitation(user: Pick<Actor, 'ip' | 'userAgent'> & { userId: string; email: string }, invitationId: string) {
    return db.transaction(async (tx) => {
      const [inv] = await tx
        .select({ invitation: invitations, plan: organizations.plan })
        .from(invitations)
        .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
        .where(
          and(
            eq(invitations.id, invitationId),
            eq(invitations.email, user.email),
            isNull(invitations.acceptedAt),
            gt(invitations.expiresAt, new Date(now())),
          ),
        );
      if (!inv) throw notFound('Invitation not found');
      const { organizationId } = inv.invitation;
      const role = inv.invitation.role as OrgRole;
      const [joined] = await tx
        .insert(memberships)
        .values({ organizationId, userId: user.userId, role })
        .onConflictDoNothing()
        .returning({ userId: memberships.userId });
      if (!joined) throw conflict('You are already a member of that organization');
      await tx.update(invitations).set({ acceptedAt: new Date(now()) }).where(eq(invitations.id, invitationId));
      await writeAudit(
        tx,
        { organizationId, plan: inv.plan as Plan, userId: user.userId, role, keyId: null, scopes: null, ip: user.ip, userAgent: user.userAgent },
        { action: 'member.join', targetType: 'user', targetId: user.userId, metadata: { email: user.email, invitationId } },
      );
      return { organizationId, role, plan: inv.plan as Plan };
    });
  }

  return {
    listForUser,
    membership,
    requireMembership,
    members,
    create,
    setPlan,
    setLeakedKeyPolicy,
    leakedKeyPolicy,
    invite,
    pendingInvitations,
    invitationsFor,
    acceptInvitation,
    setRole,
    removeMember,
  };
}

export type OrgService = ReturnType<typeof createOrgService>;
