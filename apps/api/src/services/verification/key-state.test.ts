import { generateKey, hashKey } from '@keyward/core';
import { createTestDb, describeEachDb, type TestDb } from '@keyward/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../env';
import { createServices, type Services } from '..';
import type { Actor } from '../actor';
import { createKeyCache } from './key-cache';
import { createKeyStateLoader } from './key-state';

const unknownHash = () => hashKey(generateKey({ prefix: 'kw' }).key);

describeEachDb('key state loader', (driver) => {
  let db: TestDb;
  let services: Services;
  let owner: Actor;

  beforeAll(async () => {
    db = await createTestDb(driver);
    services = createServices(db, loadConfig({ NODE_ENV: 'test', KEYWARD_PASSWORD_COST: '10' }), { usageFlushMs: 60_000 });
    const { user, organizationId } = await services.accounts.signUp(
      { email: 'owner@example.com', password: 'correct horse battery', name: 'Owner' },
      { ip: null, userAgent: null },
    );
    owner = { organizationId, plan: 'standard', userId: user.id, role: 'owner', keyId: null, scopes: null, ip: null, userAgent: null };
  });
  afterAll(async () => {
    await services.close();
    await db.close();
  });

  /** A loader that counts its queries. */
  function countingLoader() {
    const queries: number[] = [];
    return { load: createKeyStateLoader(db.db, services.plans, { onQuery: (n) => queries.push(n) }), queries };
  }

  it('loads known and unknown hashes together in one query, each with its own links', async () => {
    await services.rbac.createRole(owner, { name: 'reader', permissions: ['docs.read'] });
    const plain = await services.keys.create(owner, { source: 'dashboard', name: 'plain' });
    const linked = await services.keys.create(owner, {
      source: 'dashboard',
      name: 'linked',
      permissions: ['docs.write'],
      roles: ['reader'],
    });
    const limited = await services.keys.create(owner, { source: 'dashboard', name: 'limited', enabled: false, remaining: 5 });
    const hashes = [unknownHash(), hashKey(plain.secret), unknownHash(), hashKey(linked.secret), hashKey(limited.secret)];
    const { load, queries } = countingLoader();

    const together = await Promise.all(hashes.map(load));
    expect(queries).toEqual([5]);

    const [none1, p, none2, l, d] = together;
    expect([none1, none2]).toEqual([null, null]);
    expect(p).toMatchObject({ id: plain.key.id, hash: hashes[1], role: 'owner', roles: [], enabled: true, remaining: null });
    expect(p?.permissions).toEqual(new Set());
    expect(l).toMatchObject({ id: linked.key.id, hash: hashes[3], roles: ['reader'] });
    expect(l?.permissions).toEqual(new Set(['docs.write', 'docs.read']));
    expect(d).toMatchObject({ id: limited.key.id, enabled: false, remaining: 5 });
    // A hash loaded in a batch of its own gets the same answer as in company.
    for (const [i, hash] of hashes.entries()) expect(await load(hash)).toEqual(together[i]);
  });

  it('splits 1,200 concurrent loads into queries of at most 500 hashes', async () => {
    const { load, queries } = countingLoader();
    const results = await Promise.all(Array.from({ length: 1200 }, () => load(unknownHash())));
    expect(results.every((r) => r === null)).toBe(true);
    expect(queries.sort()).toEqual([200, 500, 500]);
  });

  it('answers 200 concurrent verifications of unknown keys with a few queries, then none', async () => {
    const secrets = Array.from({ length: 200 }, () => generateKey({ prefix: 'kw' }).key);
    const before = services.cache.stats();
    const queriesBefore = services.keyStateQueries();
    const first = await Promise.all(secrets.map((s) => services.verifier.verify(s)));
    expect(first.every((r) => r.code === 'NOT_FOUND')).toBe(true);
    const queries = services.keyStateQueries() - queriesBefore;
    expect(queries).toBeGreaterThan(0);
    expect(queries).toBeLessThan(10);
    expect(services.cache.stats()).toMatchObject({ misses: before.misses + 200, negative: before.negative + 200 });

    const again = await Promise.all(secrets.map((s) => services.verifier.verify(s)));
    expect(again.every((r) => r.code === 'NOT_FOUND')).toBe(true);
    expect(services.keyStateQueries() - queriesBefore).toBe(queries);
  });

  it('rejects every caller of a batch whose query fails, caching nothing for them', async () => {
    const gone = await createTestDb(driver);
    const cache = createKeyCache(createKeyStateLoader(gone.db, services.plans));
    await gone.close();
    const hashes = [unknownHash(), unknownHash(), unknownHash()];

    const results = await Promise.allSettled(hashes.map((h) => cache.get(h)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(Error);
    expect(cache.stats()).toMatchObject({ entries: 0, negative: 0, misses: 3 });
    // Nothing was remembered and nothing is left in flight: asking again goes to the database again.
    await expect(cache.get(hashes[0] as string)).rejects.toBeInstanceOf(Error);
    expect(cache.stats().misses).toBe(4);
  });
});
