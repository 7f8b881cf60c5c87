import { newId } from '@keyward/core';
import { and, desc, eq, type SQL } from 'drizzle-orm';
import { auditLog, type Db } from '@keyward/db';
import { type Actor, actorId, actorType, canManageAllKeys, SCOPES } from './actor';
import { assertScope } from './authorize';
import { beforeCursor, pageOf, positionOf } from './cursor';

export interface AuditEntryInput {
  action: string;
  targetType: string;
  targetId: string;
  keyId?: string | null;
  metadata?: Record<string, unknown>;
}

type Executor = Pick<Db, 'insert'>;

/** Writes one audit entry; runs inside the caller's transaction when given one. */
export async function writeAudit(tx: Executor, actor: Actor, entry: AuditEntryInput): Promise<void> {
  await tx.insert(auditLog).values({
    id: newId('aud'),
    organizationId: actor.organizationId,
    actorType: actorType(actor),
    actorId: actorId(actor),
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    keyId: entry.keyId ?? null,
    ip: actor.ip,
    userAgent: actor.userAgent,
    metadata: entry.metadata ?? {},
  });
}

export interface AuditListFilter {
  actorId?: string;
  action?: string;
  keyId?: string;
  cursor?: string;
  limit: number;
}

export function createAuditService(db: Db) {
  return {
    /** Admins read the organization's whole log; members only what they did themselves. */
    async list(actor: Actor, f: AuditListFilter) {
      assertScope(actor, SCOPES.orgRead);
      const conds: SQL[] = [eq(auditLog.organizationId, actor.organizationId)];
      if (!canManageAllKeys(actor)) conds.push(eq(auditLog.actorId, actorId(actor)));
      if (f.actorId) conds.push(eq(auditLog.actorId, f.actorId));
      if (f.action) conds.push(eq(auditLog.action, f.action));
      if (f.keyId) conds.push(eq(auditLog.keyId, f.keyId));
      if (f.cursor) conds.push(beforeCursor(auditLog.createdAt, auditLog.id, f.cursor));
      const rows = await db
        .select({ row: auditLog, at: positionOf(auditLog.createdAt) })
        .from(auditLog)
        .where(and(...conds))
        .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
        .limit(f.limit + 1);
      return pageOf(rows, f.limit);
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
