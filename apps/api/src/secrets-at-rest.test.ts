import { hashKey, parseKey } from '@keyward/core';
import { apis, keys } from '@keyward/db';
import { describeEachDb } from '@keyward/db/testing';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bearer, betterAuthCookie, call, signUp } from './test-support/http';
import { startTestServer, type TestServer } from './test-support/server';
import { trpcCall } from './test-support/trpc';

/** postgres.js returns the rows themselves, PGlite an object holding them. */
const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : (result as { rows: T[] }).rows);

describeEachDb('no plaintext key at rest or in the logs', (driver) => {
  let s: TestServer;
  let token: string;
  const secrets: { surface: string; key: string }[] = [];

  beforeAll(async () => {
    // With a server key, so recoverable keys and idempotent replays (which keep a secret sealed) are covered too.
    s = await startTestServer(driver, { LOG_LEVEL: 'trace', KEYWARD_ENCRYPTION_KEY: 'a1'.repeat(32) });
    token = (await signUp(s.url)).token;
  });
  afterAll(() => s.close());

  /** Every text-like column of every table, found in the catalog so a new table cannot be missed. */
  async function textColumns() {
    const result = await s.handle.db.execute(sql`
      select table_schema, table_name, column_name
      from information_schema.columns
      where table_schema not in ('pg_catalog', 'information_schema')
        and data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'USER-DEFINED')
      order by table_schema, table_name, column_name`);
    return rowsOf<{ table_schema: string; table_name: string; column_name: string }>(result);
  }

  /** The columns holding any of the needles, one query per column. */
  async function occurrences(needles: string[]) {
    const found: string[] = [];
    for (const c of await textColumns()) {
      const table = sql`${sql.identifier(c.table_schema)}.${sql.identifier(c.table_name)}`;
      const column = sql`${sql.identifier(c.column_name)}::text`;
      const any = sql.join(
        needles.map((n) => sql`strpos(${column}, ${n}) > 0`),
        sql` or `,
      );
      const result = await s.handle.db.execute(sql`select count(*)::int as n from ${table} where ${any}`);
      if ((rowsOf<{ n: number }>(result)[0]?.n ?? 0) > 0) found.push(`${c.table_schema}.${c.table_name}.${c.column_name}`);
    }
    return found;
  }

  it('mints keys on every surface', async () => {
    const rybbit = await call(s.url, 'POST', '/api/user/api-keys', { headers: betterAuthCookie(token), body: { name: 'rybbit', expiresIn: 3600 } });
    expect(rybbit.status).toBe(200);
    secrets.push({ surface: 'rybbit', key: rybbit.body.key });

    const org = await call(s.url, 'POST', '/v1/api-keys', { headers: bearer(token), body: { name: 'org', scope: 'read-write' } });
    expect(org.status).toBe(200);
    secrets.push({ surface: 'org keys', key: org.body.data.key });

    const viaKey = await call(s.url, 'POST', '/v1/api-keys', { headers: bearer(org.body.data.key), body: { name: 'minted by a key' } });
    expect(viaKey.status).toBe(200);
    secrets.push({ surface: 'org keys, by a key', key: viaKey.body.data.key });

    const dashboard = await trpcCall(
      s.url,
      'mutation',
      'keys.create',
      { name: 'dashboard', description: 'full', meta: { team: 'infra' }, ownerId: 'acct_1', remaining: 10, refill: { interval: 'daily', amount: 10 } },
      bearer(token),
    );
    expect(dashboard.status).toBe(200);
    const created = dashboard.body.result.data;
    secrets.push({ surface: 'tRPC keys.create', key: created.secret });

    const recoverable = await trpcCall(s.url, 'mutation', 'keys.create', { name: 'recoverable', recoverable: true }, bearer(token));
    expect(recoverable.status).toBe(200);
    secrets.push({ surface: 'tRPC keys.create recoverable', key: recoverable.body.result.data.secret });

    const idempotent = { ...bearer(token), 'Idempotency-Key': 'secrets-at-rest-1' };
    const wubble = await call(s.url, 'POST', '/v1/apikeys', { headers: idempotent, body: { name: 'wubble' } });
    expect(wubble.status).toBe(200);
    const replay = await call(s.url, 'POST', '/v1/apikeys', { headers: idempotent, body: { name: 'wubble' } });
    expect(replay.body.data.key).toBe(wubble.body.data.key);
    secrets.push({ surface: 'wubble', key: wubble.body.data.key });

    const [api] = await s.handle.db.select({ id: apis.id }).from(apis).where(eq(apis.isDefault, true));
    const unkey = await call(s.url, 'POST', '/v1/keys.createKey', {
      headers: bearer(org.body.data.key),
      body: { apiId: api?.id, name: 'unkey', meta: { tier: 'gold' } },
    });
    expect(unkey.status).toBe(200);
    secrets.push({ surface: 'unkey v1', key: unkey.body.key });

    for (const graceMs of [0, 60_000]) {
      const base = await trpcCall(s.url, 'mutation', 'keys.create', { name: `to roll ${graceMs}` }, bearer(token));
      secrets.push({ surface: 'tRPC keys.create', key: base.body.result.data.secret });
      const rolled = await trpcCall(s.url, 'mutation', 'keys.reroll', { id: base.body.result.data.key.id, graceMs }, bearer(token));
      expect(rolled.status).toBe(200);
      secrets.push({ surface: `tRPC keys.reroll graceMs=${graceMs}`, key: rolled.body.result.data.secret });
    }

    // Use them all, including failed uses, so usage buffers, caches and error paths see them.
    for (const { key } of secrets) {
      await call(s.url, 'GET', '/v1/api-keys', { headers: bearer(key) });
      await call(s.url, 'GET', '/v1/api-keys', { headers: { 'x-api-key': key } });
      await call(s.url, 'POST', '/api/user/api-keys', { headers: bearer(key), body: { name: key } });
      await call(s.url, 'GET', `/v1/api-keys/${key}`, { headers: bearer(token) });
    }
    await s.services.usage.flush();
    for (const { key } of secrets) expect(parseKey(key).ok).toBe(true);
  });

  it('stores each key only as its SHA-256', async () => {
    for (const { surface, key } of secrets) {
      const [row] = await s.handle.db.select({ start: keys.start }).from(keys).where(eq(keys.hash, hashKey(key)));
      expect(row, surface).toBeDefined();
      expect(key.startsWith(row?.start ?? '?')).toBe(true);
    }
  });

  it('finds neither a plaintext nor its secret body in any text column of any table', async () => {
    expect((await textColumns()).length).toBeGreaterThan(20);
    // The scan itself works: a planted marker is found where it was put.
    const marker = 'canary-7f3a9c1e-in-a-description';
    await trpcCall(s.url, 'mutation', 'keys.create', { name: 'canary', description: marker }, bearer(token));
    expect(await occurrences([marker])).toEqual(['public.keys.description']);

    const bodies = secrets.map(({ key }) => {
      const parsed = parseKey(key);
      if (!parsed.ok) throw new Error('unparseable key');
      return parsed.body;
    });
    expect(await occurrences([...secrets.map((x) => x.key), ...bodies])).toEqual([]);
  });

  it('never writes a key or a session token to the log', async () => {
    const logs = s.logs();
    expect(logs.length).toBeGreaterThan(1000);
    for (const { surface, key } of secrets) {
      const parsed = parseKey(key);
      expect(logs.includes(key), surface).toBe(false);
      expect(parsed.ok && logs.includes(parsed.body), surface).toBe(false);
    }
    expect(logs.includes(token)).toBe(false);
  });
});
