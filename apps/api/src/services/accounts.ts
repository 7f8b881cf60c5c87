import { setTimeout as sleep } from 'node:timers/promises';
import { newId } from '@keyward/core';
import { type Db, invitations, memberships, users } from '@keyward/db';
import { and, asc, count, eq, gt, isNull, sql } from 'drizzle-orm';
import { DUMMY_HASH, hashPassword, verifyPassword } from '../auth/password';
import type { LoginThrottle } from '../auth/throttle';
import type { Plan } from '../env';
import type { OrgRole } from './actor';
import { writeAudit } from './audit';
import { conflict, forbidden, unauthorized } from './errors';
import { insertOrganization } from './orgs';

export interface AccountsConfig {
  openSignup: boolean;
  defaultPlan: Plan;
  passwordCost: number;
}

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export interface SignedUp {
  user: { id: string; email: string; name: string; createdAt: Date; updatedAt: Date };
  organizationId: string;
  role: OrgRole;
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** Serialises sign-ups so two racing "first" users cannot both become owner. */
const SIGNUP_LOCK = 7_310_001;

export function createAccountService(db: Db, throttle: LoginThrottle, config: AccountsConfig, now: () => number = Date.now) {
  async function signUp(input: { email: string; password: string; name: string }, client: ClientInfo): Promise<SignedUp> {
    const email = normalizeEmail(input.email);
    const passwordHash = await hashPassword(input.password, config.passwordCost);
    return db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${SIGNUP_LOCK})`);
      const [{ n } = { n: 0 }] = await tx.select({ n: count() }).from(users);
      const [taken] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email));
      if (taken) throw conflict('An account with this email already exists', 'email');
      const [invitation] = await tx
        .select()
        .from(invitations)
        .where(and(eq(invitations.email, email), isNull(invitations.acceptedAt), gt(invitations.expiresAt, new Date(now()))))
        .orderBy(asc(invitations.createdAt))
        .limit(1);
      if (n > 0 && !config.openSignup && !invitation) {
        throw forbidden('Sign-up is closed on this instance; ask an owner for an invitation');
      }
      const [user] = await tx
        .insert(users)
        .values({ id: newId('user'), email, name: input.name, passwordHash })
        .returning({ id: users.id, email: users.email, name: users.name, createdAt: users.createdAt, updatedAt: users.updatedAt });
      if (!user) throw new Error('insert returned no row');

      let organizationId: string;
      let role: OrgRole;
      if (invitation) {
        organizationId = invitation.organizationId;
        role = invitation.role as OrgRole;
        await tx.update(invitations).set({ acceptedAt: new Date(now()) }).where(eq(invitations.id, invitation.id));
      } else {
        const org = await insertOrganization(tx, `${input.name}'s organization`, config.defaultPlan);
        organizationId = org.id;
        role = 'owner';
      }
      await tx.insert(memberships).values({ organizationId, userId: user.id, role });
      await writeAudit(
        tx,
        { organizationId, plan: config.defaultPlan, userId: user.id, role, keyId: null, scopes: null, ...client },
        { action: invitation ? 'member.join' : 'user.signup', targetType: 'user', targetId: user.id, metadata: { email } },
      );
      return { user, organizationId, role };
    });
  }

  /** The same answer, and about the same time, for an unknown email and a wrong password. */
  async function signIn(input: { email: string; password: string }, client: ClientInfo) {
    const email = normalizeEmail(input.email);
    const subjects = throttle.subjects(client.ip, email);
    await throttle.assertNotLocked(subjects);
    const [user] = await db.select().from(users).where(eq(users.email, email));
    const ok = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok) {
      const delay = await throttle.recordFailure(subjects);
      if (delay > 0) await sleep(delay);
      throw unauthorized('Invalid email or password');
    }
    await throttle.recordSuccess(email);
    const [first] = await db
      .select({ organizationId: memberships.organizationId, role: memberships.role })
      .from(memberships)
      .where(eq(memberships.userId, user.id))
      .orderBy(asc(memberships.createdAt))
      .limit(1);
    if (first) {
      await writeAudit(
        db,
        { organizationId: first.organizationId, plan: config.defaultPlan, userId: user.id, role: first.role as OrgRole, keyId: null, scopes: null, ...client },
        { action: 'user.login', targetType: 'user', targetId: user.id },
      );
    }
    return {
      user: { id: user.id, email: user.email, name: user.name, createdAt: user.createdAt, updatedAt: user.updatedAt },
      organizationId: first?.organizationId ?? null,
    };
  }

  async function isEmpty(): Promise<boolean> {
    const [row] = await db.select({ n: count() }).from(users);
    return (row?.n ?? 0) === 0;
  }

  return { signUp, signIn, isEmpty };
}

export type AccountService = ReturnType<typeof createAccountService>;
