import { auditLog, type Db, keys, organizations, users } from '@keyward/db';
import { and, asc, count, eq, gt, gte, or, type SQL, sql } from 'drizzle-orm';
import type { Plan } from '../env';
import type { AccountService, ClientInfo } from './accounts';
import { normalizeEmail } from './accounts';
import type { Actor } from './actor';
import { conflict, notFound } from './errors';
import { positionOf } from './cursor';

const EXPORT_BATCH = 500;

/**
 * What an operator does from a shell, acting as the system rather than as a signed-in user:
 * bootstrap the first owner, find the organization behind a key, export the audit log.
 * The operations themselves stay in the account, org and key services.
 */
export function createAdminService(db: Db, accounts: AccountService) {
  /** The system acting on one organization with owner rights and no scope limit; audited as `system`. */
  async function systemActor(organizationId: string, client: ClientInfo): Promise<Actor> {
    const [org] = await db.select({ plan: organizations.plan }).from(organizations).where(eq(organizations.id, organizationId));
    if (!org) throw notFound(`Organization ${organizationId} not found`);
    return { organizationId, plan: org.plan as Plan, userId: null, role: 'owner', keyId: null, scopes: null, ...client };
  }

  return {
    systemActor,

    /** Only on an empty instance: afterwards owners are made through invitations in the UI. */
    async createFirstOwner(input: { email: string; password: string; name: string }, client: ClientInfo) {
      const [{ n } = { n: 0 }] = await db.select({ n: count() }).from(users);
      if (n > 0) throw conflict('This instance already has users; invite further owners from the web UI');
      return accounts.signUp(input, client);
    },

    async userIdByEmail(email: string): Promise<string> {
      const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, normalizeEmail(email)));
      if (!user) throw notFound(`No user with email ${normalizeEmail(email)}`);
      return user.id;
    },

    async keyActor(keyId: string, client: ClientInfo): Promise<Actor> {
      const [key] = await db.select({ organizationId: keys.organizationId }).from(keys).where(eq(keys.id, keyId));
      if (!key) throw notFound(`Key ${keyId} not found`);
      return systemActor(key.organizationId, client);
    },

    /** Oldest first, in batches, so an export of any size holds one batch in memory. */
    async *auditSince(since: Date, organizationId?: string) {
      let after: { at: string; id: string } | null = null;
      for (;;) {
        const conds: SQL[] = [gte(auditLog.createdAt, since)];
        if (organizationId) conds.push(eq(auditLog.organizationId, organizationId));
        if (after) {
          const at = sql`${after.at}::timestamptz`;
          conds.push(or(gt(auditLog.createdAt, at), and(eq(auditLog.createdAt, at), gt(auditLog.id, after.id))) as SQL);
        }
        const rows = await db
          .select({ row: auditLog, at: positionOf(auditLog.createdAt) })
          .from(auditLog)
          .where(and(...conds))
          .orderBy(asc(auditLog.createdAt), asc(auditLog.id))
          .limit(EXPORT_BATCH);
        for (const r of rows) yield r.row;
        const last = rows.at(-1);
        if (rows.length < EXPORT_BATCH || !last) return;
        after = { at: last.at, id: last.row.id };
      }
    },
  };
}

export type AdminService = ReturnType<typeof createAdminService>;
