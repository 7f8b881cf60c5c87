import { apis, type Db, keys, organizations, verificationCounts } from '@keyward/db';
import { createTestDb, describeEachDb, type TestDb } from '@keyward/db/testing';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createUsageRecorder, type VerifyCode } from './usage';

const MINUTE = 60_000;
const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);

/** The real database, except that the next `n` transactions fail as if it were down. */
function flaky(db: Db) {
  let failures = 0;
  const proxy = new Proxy(db, {
    get(target, prop) {
      if (prop === 'transaction' && failures > 0) {
        failures--;
        return async () => {
          throw new Error('database unavailable');
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { db: proxy, failNext: (n = 1) => (failures = n) };
}

async function seed(db: Db, org: string, keyIds: string[]) {
  await db.insert(organizations).values({ id: org, name: org });
  await db.insert(apis).values({ id: `${org}_api`, organizationId: org, name: 'default', isDefault: true });
  for (const id of keyIds) {
    await db.insert(keys).values({ id, organizationId: org, apiId: `${org}_api`, hash: `h_${id}`, start: 'kw_abcd', prefix: 'kw', source: 'org' });
  }
}

async function total(db: Db, keyId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`coalesce(sum(${verificationCounts.count}), 0)::int` })
    .from(verificationCounts)
    .where(eq(verificationCounts.keyId, keyId));
  return Number(row?.n ?? 0);
}

type Recorder = ReturnType<typeof createUsageRecorder>;

/** One verification of `keyId`, as the verifier reports it. */
const use = (usage: Recorder, keyId: string, organizationId: string, at: number, code: VerifyCode = 'VALID', ip = '203.0.113.1', userAgent = 'probe/1') =>
  usage.record({ id: keyId, organizationId }, code, at, { ip, userAgent });

describeEachDb('usage recorder', (driver) => {
  let t: TestDb;

  beforeAll(async () => {
    t = await createTestDb(driver);
    await seed(t.db, 'org_u', ['key_a', 'key_b']);
    await seed(t.db, 'org_gone', ['key_g']);
  });
  afterAll(() => t.close());

  it('writes counts per minute and the latest use, then nothing twice', async () => {
    const usage = createUsageRecorder(t.db, 60_000);
    use(usage, 'key_a', 'org_u', T0);
    use(usage, 'key_a', 'org_u', T0 + 1000, 'VALID', '198.51.100.7', 'client/2');
    use(usage, 'key_a', 'org_u', T0 + MINUTE, 'RATE_LIMITED');
    await usage.flush();
    await usage.flush();
    expect(await total(t.db, 'key_a')).toBe(3);
    const [k] = await t.db.select().from(keys).where(eq(keys.id, 'key_a'));
    expect(k?.lastUsedAt?.getTime()).toBe(T0 + 1000);
    expect(k).toMatchObject({ lastUsedIp: '198.51.100.7', lastUsedUserAgent: 'client/2' });
    expect(usage.pending()).toBe(0);
    await usage.close();
  });

  it('counts each minute and outcome on its own, even when uses arrive out of order', async () => {
    const usage = createUsageRecorder(t.db, 60_000);
    // Before every other test's uses, so the later last-use checks are not affected.
    const late = T0 - 48 * MINUTE;
    const early = T0 - 50 * MINUTE;
    use(usage, 'key_b', 'org_u', late);
    use(usage, 'key_b', 'org_u', early, 'EXPIRED');
    use(usage, 'key_b', 'org_u', late + 1, 'RATE_LIMITED');
    use(usage, 'key_b', 'org_u', early + 2, 'EXPIRED');
    use(usage, 'key_b', 'org_u', late + 3);
    await usage.flush();
    const rows = await t.db
      .select({ minute: verificationCounts.minute, outcome: verificationCounts.outcome, count: verificationCounts.count })
      .from(verificationCounts)
      .where(eq(verificationCounts.keyId, 'key_b'))
      .orderBy(verificationCounts.minute, verificationCounts.outcome);
    expect(rows.map((r) => [r.minute.getTime(), r.outcome, r.count])).toEqual([
      [early, 'EXPIRED', 2],
      [late, 'RATE_LIMITED', 1],
      [late, 'VALID', 2],
    ]);
    await t.db.delete(verificationCounts).where(eq(verificationCounts.keyId, 'key_b'));
    await usage.close();
  });

  it('keeps a failed batch, merges new usage into it and writes it exactly once on the next flush', async () => {
    const f = flaky(t.db);
    const usage = createUsageRecorder(f.db, 60_000);
    use(usage, 'key_b', 'org_u', T0);
    use(usage, 'key_b', 'org_u', T0 + 10);
    f.failNext(2);
    await expect(usage.flush()).rejects.toThrow('database unavailable');
    use(usage, 'key_b', 'org_u', T0 + 20, 'VALID', '192.0.2.9', 'late/1');
    await expect(usage.flush()).rejects.toThrow('database unavailable');
    expect(await total(t.db, 'key_b')).toBe(0);
    // A failed flush must not wedge the ones after it.
    await usage.flush();
    expect(await total(t.db, 'key_b')).toBe(3);
    const [k] = await t.db.select().from(keys).where(eq(keys.id, 'key_b'));
    expect(k).toMatchObject({ lastUsedIp: '192.0.2.9', lastUsedUserAgent: 'late/1' });
    expect(usage.pending()).toBe(0);
    await usage.close();
  });

  it('drops counts of a deleted organization instead of failing everyone else', async () => {
    const usage = createUsageRecorder(t.db, 60_000);
    use(usage, 'key_g', 'org_gone', T0);
    use(usage, 'key_a', 'org_u', T0 + 2 * MINUTE);
    await t.db.delete(organizations).where(eq(organizations.id, 'org_gone'));
    await usage.flush();
    expect(await total(t.db, 'key_g')).toBe(0);
    expect(await total(t.db, 'key_a')).toBe(4);
    await usage.close();
  });

  it('writes batches larger than one statement can bind', async () => {
    const usage = createUsageRecorder(t.db, 60_000);
    for (let i = 0; i < 2500; i++) use(usage, 'key_a', 'org_u', T0 + (10 + i) * MINUTE, 'NOT_FOUND');
    await usage.flush();
    expect(await total(t.db, 'key_a')).toBe(2504);
    await usage.close();
  });

  it('never lets a failing timer flush crash the process', async () => {
    const f = flaky(t.db);
    const warnings: unknown[] = [];
    const log = { warn: (o: unknown) => warnings.push(o) } as unknown as Parameters<typeof createUsageRecorder>[2];
    const usage = createUsageRecorder(f.db, 20, log);
    use(usage, 'key_b', 'org_u', T0 + 99 * MINUTE);
    f.failNext(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    await usage.close();
    expect(await total(t.db, 'key_b')).toBe(4);
  });
});
