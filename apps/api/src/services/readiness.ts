import { type DbHandle, pendingMigrations } from '@keyward/db';
import { migrationsFolder } from '../runtime-paths';

export interface CheckResult {
  ok: boolean;
  detail?: string;
}

export interface Readiness {
  ready: boolean;
  checks: Record<'database' | 'migrations' | 'listener', CheckResult>;
}

/** A stopped database can leave a query waiting for a connect timeout of many seconds; a probe must answer sooner. */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

async function check(run: () => Promise<string | undefined>, timeoutMs: number): Promise<CheckResult> {
  try {
    const failure = await within(run(), timeoutMs);
    return failure ? { ok: false, detail: failure } : { ok: true };
  } catch (err) {
    return { ok: false, detail: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Whether this instance should receive traffic: the database answers, its schema is the one
 * this build expects, and key-change notifications arrive (without them a revoked key could
 * stay valid here for the fallback TTL).
 */
export async function checkReadiness(handle: DbHandle, timeoutMs = 2000): Promise<Readiness> {
  const [database, migrations] = await Promise.all([
    check(async () => {
      await handle.ping();
      return undefined;
    }, timeoutMs),
    check(async () => {
      const pending = await pendingMigrations(handle, migrationsFolder ? { migrationsFolder } : {});
      return pending ? `${pending} migration(s) not applied; run \`keyward migrate\`` : undefined;
    }, timeoutMs),
  ]);
  const listener: CheckResult = handle.listenerConnected() ? { ok: true } : { ok: false, detail: 'key-change notifications are not being received' };
  const checks = { database, migrations, listener };
  return { ready: database.ok && migrations.ok && listener.ok, checks };
}
