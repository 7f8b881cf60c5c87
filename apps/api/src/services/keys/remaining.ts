import { type Db, type Key, keys } from '@keyward/db';
import { and, eq, isNotNull, isNull, type SQL, sql } from 'drizzle-orm';
import { type Actor, SCOPES } from '../actor';
import { writeAudit } from '../audit';
import { assertScope } from '../authorize';
import { badRequest, conflict } from '../errors';
import type { KeyEvents } from '../key-events';
import { LIMITS, validateRemaining } from './validate';

export type RemainingOp = 'set' | 'increment' | 'decrement';

export interface RemainingDeps {
  db: Db;
  events: KeyEvents;
  loadVisible(actor: Actor, id: string): Promise<Key>;
  now: () => number;
}

/**
 * Changes a key's usage budget in one UPDATE, so it composes with verifications decrementing
 * the same row at the same time: nothing read here is written back.
 */
export function createRemainingOps({ db, events, loadVisible, now }: RemainingDeps) {
  async function updateRemaining(actor: Actor, keyId: string, op: RemainingOp, value: number | null): Promise<number | null> {
    assertScope(actor, SCOPES.keysWrite);
    if (value !== null) validateRemaining(value, 'value');
    else if (op !== 'set') throw badRequest(`cannot ${op} by null`, 'value');
    const key = await loadVisible(actor, keyId);
    if (key.revokedAt) throw conflict('A revoked key cannot be changed');

    // bigint arithmetic: the sum may pass int4 before it is capped.
    const next: SQL =
      op === 'set'
        ? sql`${value}::int`
        : op === 'increment'
          ? sql`least(${keys.remaining}::bigint + ${value}::bigint, ${LIMITS.maxRemaining})::int`
          : sql`greatest(${keys.remaining} - ${value}::int, 0)`;
    // Unlimited cannot be incremented, and a refilling key needs a number to refill.
    const guard = op !== 'set' ? isNotNull(keys.remaining) : value === null ? isNull(keys.refillInterval) : undefined;

    const row = await db.transaction(async (tx) => {
      const [updated] = await tx
        .update(keys)
        .set({ remaining: next, updatedAt: new Date(now()) })
        .where(and(eq(keys.id, keyId), guard))
        .returning({ remaining: keys.remaining });
      if (!updated) {
        throw op === 'set'
          ? badRequest('remove the refill before making the key unlimited', 'value')
          : badRequest(`cannot ${op} a key with unlimited uses; set a value instead`, 'op');
      }
      await writeAudit(tx, actor, {
        action: 'key.update',
        targetType: 'key',
        targetId: keyId,
        keyId,
        metadata: { fields: ['remaining'], op, value, remaining: updated.remaining },
      });
      return updated;
    });
    // Whether a key has a budget at all decides if verification decrements it.
    await events.changed({ kind: 'keys', hashes: [key.hash] });
    return row.remaining;
  }

  return { updateRemaining };
}
