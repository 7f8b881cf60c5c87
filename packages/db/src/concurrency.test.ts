import { and, eq, gt, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { keys } from './schema';
import { insertKey, seedOrganization } from './test-fixtures';
import type { TestDb } from './testing';
import { createTestDb, describeEachDb } from './testing';

describeEachDb('usage-limited keys', (driver) => {
  let handle: TestDb;
  beforeAll(async () => {
    handle = await createTestDb(driver);
    await seedOrganization(handle.db, 'org_usage');
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('a conditional decrement under 100 concurrent calls succeeds exactly `remaining` times', async () => {
    await insertKey(handle.db, 'org_usage', 'key_limited', { remaining: 50 });

    const decrement = () =>
      handle.db
        .update(keys)
        .set({ remaining: sql`${keys.remaining} - 1` })
        .where(and(eq(keys.id, 'key_limited'), gt(keys.remaining, 0)))
        .returning({ remaining: keys.remaining });
    const results = await Promise.all(Array.from({ length: 100 }, decrement));

    const granted = results.flatMap((rows) => rows.map((row) => row.remaining));
    expect(granted).toHaveLength(50);
    expect(granted.toSorted((a, b) => (a ?? 0) - (b ?? 0))).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const [key] = await handle.db.select({ remaining: keys.remaining }).from(keys).where(eq(keys.id, 'key_limited'));
    expect(key?.remaining).toBe(0);
  });
});
