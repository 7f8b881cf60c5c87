import { newId } from '@keyward/core';
import { type Db, serviceAccounts } from '@keyward/db';
import { and, desc, eq, type SQL } from 'drizzle-orm';
import type { Actor } from './actor';
import { SCOPES } from './actor';
import { writeAudit } from './audit';
import { assertRole, assertScope } from './authorize';
import { beforeCursor, pageOf, positionOf } from './cursor';
import { validateText } from './keys/validate';

/** Non-human owners of keys: a key minted for one belongs to the organization, not to a person. */
export function createServiceAccountService(db: Db) {
  async function create(actor: Actor, input: { name: string; description?: string | null }) {
    assertScope(actor, SCOPES.orgWrite);
    assertRole(actor, ['owner', 'admin'], 'create service accounts');
    validateText(input.name, 'name', 200);
    validateText(input.description, 'description', 1000);
    return db.transaction(async (tx) => {
      const [row] = await tx
        .insert(serviceAccounts)
        .values({
          id: newId('sa'),
          organizationId: actor.organizationId,
          name: input.name,
          description: input.description ?? null,
          createdBy: actor.keyId ?? actor.userId ?? 'system',
        })
        .returning();
      if (!row) throw new Error('insert returned no row');
      await writeAudit(tx, actor, { action: 'service_account.create', targetType: 'service_account', targetId: row.id, metadata: { name: input.name } });
      return row;
    });
  }

  async function list(actor: Actor, f: { cursor?: string; limit: number }) {
    assertScope(actor, SCOPES.orgRead);
    const conds: SQL[] = [eq(serviceAccounts.organizationId, actor.organizationId)];
    if (f.cursor) conds.push(beforeCursor(serviceAccounts.createdAt, serviceAccounts.id, f.cursor));
    const rows = await db
      .select({ row: serviceAccounts, at: positionOf(serviceAccounts.createdAt) })
      .from(serviceAccounts)
      .where(and(...conds))
      .orderBy(desc(serviceAccounts.createdAt), desc(serviceAccounts.id))
      .limit(f.limit + 1);
    return pageOf(rows, f.limit);
  }

  return { create, list };
}

export type ServiceAccountService = ReturnType<typeof createServiceAccountService>;
