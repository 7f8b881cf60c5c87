import { hashKey, parseKey } from '@keyward/core';
import { type Db, keys, organizations } from '@keyward/db';
import { and, eq, isNull } from 'drizzle-orm';
import type { Plan } from '../env';
import type { Actor } from './actor';
import { writeAudit } from './audit';
import type { KeyService } from './keys/service';

/** One token a secret scanner found in public, with where it was found. */
export interface LeakReport {
  token: string;
  type: string;
  url: string;
  source: string;
}

export type LeakLabel = 'true_positive' | 'false_positive';

export interface LeakVerdict {
  token: string;
  type: string;
  label: LeakLabel;
}

/**
 * Secret-scanning reports: every reported token that is one of our keys is revoked at once,
 * or only flagged when its organization's `leakedKeyPolicy` says so. Either way the owning
 * organization's audit log records where it leaked; the token itself is never stored.
 */
export function createLeakService({ db, keys: keyService }: { db: Db; keys: KeyService }) {
  async function findKey(token: string) {
    // The checksum rejects foreign and mistyped strings before any database work.
    if (!parseKey(token).ok) return null;
    const [row] = await db
      .select({ id: keys.id, start: keys.start, revokedAt: keys.revokedAt, organizationId: keys.organizationId, plan: organizations.plan, policy: organizations.leakedKeyPolicy })
      .from(keys)
      .innerJoin(organizations, eq(organizations.id, keys.organizationId))
      .where(and(eq(keys.hash, hashKey(token)), isNull(keys.deletedAt)));
    return row ?? null;
  }

  async function handle(report: LeakReport, client: Pick<Actor, 'ip' | 'userAgent'>): Promise<LeakLabel> {
    const key = await findKey(report.token);
    if (!key) return 'false_positive';
    // Nobody signed in reported it: the organization's system actor acts, with admin reach over its keys.
    const actor: Actor = { organizationId: key.organizationId, plan: key.plan as Plan, userId: null, role: 'admin', keyId: null, scopes: null, ...client };
    const revoke = key.policy === 'revoke' && !key.revokedAt;
    // Revoking through the key service keeps cache invalidation and the key.revoke audit entry as usual.
    if (revoke) await keyService.revoke(actor, key.id);
    await writeAudit(db, actor, {
      action: 'key.leaked',
      targetType: 'key',
      targetId: key.id,
      keyId: key.id,
      metadata: {
        outcome: revoke ? 'revoked' : key.revokedAt ? 'already_revoked' : 'flagged',
        policy: key.policy,
        start: key.start,
        type: report.type,
        url: report.url,
        source: report.source,
      },
    });
    return 'true_positive';
  }

  return {
    /** One verdict per distinct token, in the order reported; a repeated token is handled once. */
    async report(reports: readonly LeakReport[], client: Pick<Actor, 'ip' | 'userAgent'>): Promise<LeakVerdict[]> {
      const seen = new Map<string, LeakReport>();
      for (const r of reports) if (!seen.has(r.token)) seen.set(r.token, r);
      const verdicts: LeakVerdict[] = [];
      for (const r of seen.values()) verdicts.push({ token: r.token, type: r.type, label: await handle(r, client) });
      return verdicts;
    },
  };
}

export type LeakService = ReturnType<typeof createLeakService>;
