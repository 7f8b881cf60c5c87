import { parseKey } from '@keyward/core';
import { auditLog } from '@keyward/db';
import { describeEachDb } from '@keyward/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf } from '../test-support/actor';
import { bearer, call, type Reply, signUp, uniqueEmail } from '../test-support/http';
import { startTestServer, type TestServer } from '../test-support/server';

/** Every field the seed documents for `data`; `key` only on create. */
const DOCUMENTED = [
  'createdAt',
  'createdBy',
  'description',
  'expiresAt',
  'id',
  'keyPrefix',
  'lastUsedAt',
  'lastUsedIp',
  'lastUsedUserAgent',
  'name',
  'organizationId',
  'revokedAt',
  'scope',
  'serviceAccountId',
  'userId',
].sort();
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function expectEnvelope(r: Reply, code: number) {
  expect(r.status).toBe(code);
  expect(Object.keys(r.body).sort()).toEqual(['code', 'data', 'message', 'requestId']);
  expect(r.body.code).toBe(code);
  expect(r.body.requestId).toBe(r.headers.get('x-request-id'));
  if (code === 200) expect(r.body.message).toBe('success');
  else expect(r.body.data).toBeNull();
}

describeEachDb('seed 03: org API keys (/v1/api-keys)', (driver) => {
  let s: TestServer;
  let owner: Awaited<ReturnType<typeof signUp>>;
  let orgId: string;
  /** Every plaintext minted in this suite, to prove none leaks anywhere. */
  const secrets: string[] = [];

  const create = async (auth: Record<string, string>, body: unknown) => {
    const r = await call(s.url, 'POST', '/v1/api-keys', { headers: auth, body });
    if (r.status === 200) secrets.push(r.body.data.key);
    return r;
  };

  beforeAll(async () => {
    s = await startTestServer(driver, { KEYWARD_TRUST_PROXY: 'true', KEYWARD_OPEN_SIGNUP: 'true' });
    owner = await signUp(s.url, uniqueEmail('seed03'), 'Seed Owner');
    orgId = (await actorOf(s, owner.userId)).organizationId;
  });
  afterAll(() => s.close());

  it("answers the seed's curl as written (an empty body) with a 400 naming name, in the envelope", async () => {
    // curl -X POST '<base>/v1/api-keys' -H 'Authorization: Bearer YOUR_API_TOKEN' -H 'Content-Type: application/json' -d '{}'
    const r = await call(s.url, 'POST', '/v1/api-keys', {
      headers: { Authorization: `Bearer ${owner.token}`, 'Content-Type': 'application/json' },
      raw: '{}',
    });
    expectEnvelope(r, 400);
    expect(r.body.message).toMatch(/^name: is required/);
  });

  it('option 1 (no service account): mints a key for the caller\u2019s organization, field by field', async () => {
    const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const r = await create(bearer(owner.token), { name: 'CI deploy', description: 'deploys from CI', expiresAt, scope: 'read-write' });
    expectEnvelope(r, 200);
    const d = r.body.data;
    expect(Object.keys(d).sort()).toEqual([...DOCUMENTED, 'key'].sort());
    expect(typeof d.id).toBe('string');
    expect(parseKey(d.key).ok).toBe(true);
    expect(d.key.startsWith(d.keyPrefix)).toBe(true);
    expect(d.keyPrefix).toMatch(/^kw_[0-9A-Za-z]{4}$/);
    expect(d.createdAt).toMatch(ISO);
    expect(Math.abs(Date.parse(d.createdAt) - Date.now())).toBeLessThan(60_000);
    expect(d.createdBy).toBe(owner.userId);
    expect(d.description).toBe('deploys from CI');
    expect(d.expiresAt).toBe(expiresAt);
    expect(d.lastUsedAt).toBeNull();
    expect(d.lastUsedIp).toBeNull();
    expect(d.lastUsedUserAgent).toBeNull();
    expect(d.name).toBe('CI deploy');
    expect(d.organizationId).toBe(orgId);
    expect(d.revokedAt).toBeNull();
    expect(d.scope).toBe('read-write');
    expect(d.serviceAccountId).toBeNull();
    expect(d.userId).toBe(owner.userId);
  });

  it('defaults to the least privilege (read) and takes null as "not set"', async () => {
    const r = await create(bearer(owner.token), { name: 'minimal', description: null, expiresAt: null, serviceAccountId: null });
    expectEnvelope(r, 200);
    expect(r.body.data).toMatchObject({ scope: 'read', description: null, expiresAt: null, serviceAccountId: null });
  });

  it('option 2 (service account): the key belongs to the account, created by the user', async () => {
    const sa = await call(s.url, 'POST', '/v1/service-accounts', { headers: bearer(owner.token), body: { name: 'billing-bot', description: 'nightly' } });
    expectEnvelope(sa, 200);
    expect(sa.body.data).toMatchObject({ name: 'billing-bot', description: 'nightly', organizationId: orgId, createdBy: owner.userId });
    const r = await create(bearer(owner.token), { name: 'bot key', scope: 'read', serviceAccountId: sa.body.data.id });
    expectEnvelope(r, 200);
    expect(r.body.data).toMatchObject({ serviceAccountId: sa.body.data.id, userId: null, createdBy: owner.userId, scope: 'read' });

    const list = await call(s.url, 'GET', '/v1/service-accounts', { headers: bearer(owner.token) });
    expectEnvelope(list, 200);
    expect(list.body.data.items.map((a: { id: string }) => a.id)).toContain(sa.body.data.id);

    const unknown = await call(s.url, 'POST', '/v1/api-keys', { headers: bearer(owner.token), body: { name: 'x', serviceAccountId: 'sa_missing' } });
    expectEnvelope(unknown, 404);
    expect(unknown.body.message).toMatch(/sa_missing/);
  });

  it('lists page by page, newest first, never with a secret', async () => {
    for (const n of ['page-a', 'page-b', 'page-c']) await create(bearer(owner.token), { name: n });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
      const r = await call(s.url, 'GET', `/v1/api-keys${q}`, { headers: bearer(owner.token) });
      expectEnvelope(r, 200);
      expect(r.body.data.items.length).toBeLessThanOrEqual(2);
      for (const item of r.body.data.items) {
        expect(Object.keys(item).sort()).toEqual(DOCUMENTED);
        seen.push(item.id);
      }
      for (const secret of secrets) expect(r.text).not.toContain(secret);
      cursor = r.body.data.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(6);
  });

  it('gets, patches and deletes (revokes) a key; a revoked key answers 401 at once', async () => {
    const made = await create(bearer(owner.token), { name: 'lifecycle', description: 'before', scope: 'read-write' });
    const id = made.body.data.id;
    const got = await call(s.url, 'GET', `/v1/api-keys/${id}`, { headers: bearer(owner.token) });
    expectEnvelope(got, 200);
    expect(Object.keys(got.body.data).sort()).toEqual(DOCUMENTED);
    expect(got.body.data).toMatchObject({ id, name: 'lifecycle', scope: 'read-write' });

    const patched = await call(s.url, 'PATCH', `/v1/api-keys/${id}`, {
      headers: bearer(owner.token),
      body: { name: 'renamed', description: null, scope: 'read' },
    });
    expectEnvelope(patched, 200);
    expect(patched.body.data).toMatchObject({ id, name: 'renamed', description: null, scope: 'read' });
    expect(patched.body.data.key).toBeUndefined();

    expect((await call(s.url, 'GET', '/v1/api-keys', { headers: bearer(made.body.data.key) })).status).toBe(200);
    const deleted = await call(s.url, 'DELETE', `/v1/api-keys/${id}`, { headers: bearer(owner.token) });
    expectEnvelope(deleted, 200);
    expect(deleted.body.data.revokedAt).toMatch(ISO);
    const after = await call(s.url, 'GET', '/v1/api-keys', { headers: bearer(made.body.data.key) });
    expectEnvelope(after, 401);

    const missing = await call(s.url, 'GET', '/v1/api-keys/key_nope', { headers: bearer(owner.token) });
    expectEnvelope(missing, 404);
  });

  describe('org keys as callers', () => {
    let readKey: string;
    let rwKey: string;
    let rwId: string;

    beforeAll(async () => {
      readKey = (await create(bearer(owner.token), { name: 'reader', scope: 'read' })).body.data.key;
      const rw = await create(bearer(owner.token), { name: 'writer', scope: 'read-write' });
      rwKey = rw.body.data.key;
      rwId = rw.body.data.id;
    });

    it('a read key reads but gets 403 on every write', async () => {
      expectEnvelope(await call(s.url, 'GET', '/v1/api-keys', { headers: bearer(readKey) }), 200);
      const post = await call(s.url, 'POST', '/v1/api-keys', { headers: bearer(readKey), body: { name: 'nope', scope: 'read' } });
      expectEnvelope(post, 403);
      expect(post.body.message).toMatch(/keys:write/);
      expectEnvelope(await call(s.url, 'POST', '/v1/service-accounts', { headers: bearer(readKey), body: { name: 'nope' } }), 403);
    });

    it('a read-write key mints into its own organization, recorded as created by that key', async () => {
      const r = await create(bearer(rwKey), { name: 'minted by a key', scope: 'read-write' });
      expectEnvelope(r, 200);
      expect(r.body.data).toMatchObject({ organizationId: orgId, createdBy: rwId, userId: owner.userId, scope: 'read-write' });
      // x-api-key works as well as the Bearer form.
      expectEnvelope(await call(s.url, 'GET', '/v1/api-keys?limit=1', { headers: { 'x-api-key': rwKey } }), 200);
    });

    it('a key cannot mint or grant more scope than it has', async () => {
      const narrow = await call(s.url, 'POST', '/v1/apikeys', {
        headers: bearer(owner.token),
        body: { name: 'keys only', scopes: ['keys:read', 'keys:write'] },
      });
      expect(narrow.status).toBe(200);
      const narrowKey = narrow.body.data.key as string;
      secrets.push(narrowKey);
      for (const scope of ['read-write', 'read']) {
        const r = await call(s.url, 'POST', '/v1/api-keys', { headers: bearer(narrowKey), body: { name: 'wider', scope } });
        expectEnvelope(r, 403);
        expect(r.body.message).toMatch(/more scope/);
      }
      const target = await create(bearer(owner.token), { name: 'target', scope: 'read' });
      const patch = await call(s.url, 'PATCH', `/v1/api-keys/${target.body.data.id}`, { headers: bearer(narrowKey), body: { scope: 'read-write' } });
      expectEnvelope(patch, 403);
    });

    it('records the real last use (time, client IP, user agent) of a key once usage is flushed', async () => {
      const made = await create(bearer(owner.token), { name: 'tracked', scope: 'read' });
      const before = Date.now();
      const used = await call(s.url, 'GET', '/v1/api-keys?limit=1', {
        headers: { ...bearer(made.body.data.key), 'User-Agent': 'seed03-client/1.0', 'X-Forwarded-For': '203.0.113.50' },
      });
      expectEnvelope(used, 200);
      expect(Number(used.headers.get('ratelimit-limit'))).toBeGreaterThan(0);
      expect(used.headers.get('ratelimit-remaining')).not.toBeNull();
      expect(used.headers.get('ratelimit-reset')).not.toBeNull();
      await s.services.usage.flush();
      const first = (await call(s.url, 'GET', `/v1/api-keys/${made.body.data.id}`, { headers: bearer(owner.token) })).body.data;
      expect(first.lastUsedIp).toBe('203.0.113.50');
      expect(first.lastUsedUserAgent).toBe('seed03-client/1.0');
      expect(Date.parse(first.lastUsedAt)).toBeGreaterThanOrEqual(before - 1000);

      await new Promise((r) => setTimeout(r, 5));
      await call(s.url, 'GET', '/v1/api-keys?limit=1', {
        headers: { ...bearer(made.body.data.key), 'User-Agent': 'other-client/2.0', 'X-Forwarded-For': '198.51.100.4' },
      });
      await s.services.usage.flush();
      const second = (await call(s.url, 'GET', `/v1/api-keys/${made.body.data.id}`, { headers: bearer(owner.token) })).body.data;
      expect(second).toMatchObject({ lastUsedIp: '198.51.100.4', lastUsedUserAgent: 'other-client/2.0' });
      expect(Date.parse(second.lastUsedAt)).toBeGreaterThan(Date.parse(first.lastUsedAt));
    });
  });

  it('refuses missing, unknown and malformed credentials with 401 in the envelope', async () => {
    expectEnvelope(await call(s.url, 'GET', '/v1/api-keys'), 401);
    expectEnvelope(await call(s.url, 'GET', '/v1/api-keys', { headers: bearer('not-a-session') }), 401);
    expectEnvelope(await call(s.url, 'POST', '/v1/api-keys', { headers: bearer('kw_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), body: { name: 'x' } }), 401);
  });

  it('rejects bad input with a 4xx naming the field, in the envelope, never a 500', async () => {
    const auth = bearer(owner.token);
    const cases: [unknown, RegExp][] = [
      [{ name: 123 }, /^name: must be a string/],
      [{ name: '' }, /^name: must not be empty/],
      [{ name: 'x'.repeat(10_000) }, /^name: must be at most 200/],
      [{ name: 'x', scope: 'admin' }, /^scope: must be "read" or "read-write"/],
      [{ name: 'x', scope: ['read'] }, /^scope:/],
      [{ name: 'x', description: 42 }, /^description: must be a string/],
      [{ name: 'x', description: 'd'.repeat(1001) }, /^description:/],
      [{ name: 'x', expiresAt: 'tomorrow' }, /expiresAt/],
      [{ name: 'x', expiresAt: '2001-01-01T00:00:00Z' }, /expiresAt|future|past/],
      [{ name: 'x', expiresAt: 1_900_000_000_000 }, /^expiresAt: must be an ISO-8601/],
      [{ name: 'x', serviceAccountId: {} }, /^serviceAccountId: must be a string/],
      [{ name: 'nul\u0000byte' }, /^name: must not contain NUL/],
      [{ name: 'x', description: 'lone \ud800 surrogate' }, /^description:/],
      [[], /object/i],
      // express.json is strict: a bare JSON string is not a request body.
      ['just a string', /JSON/],
    ];
    for (const [body, message] of cases) {
      const r = await call(s.url, 'POST', '/v1/api-keys', { headers: auth, body });
      expectEnvelope(r, 400);
      expect(r.body.message).toMatch(message);
    }
    const malformed = await call(s.url, 'POST', '/v1/api-keys', { headers: auth, raw: '{"name": ' });
    expectEnvelope(malformed, 400);
    expect(malformed.body.message).toMatch(/JSON/);
    const huge = await call(s.url, 'POST', '/v1/api-keys', { headers: auth, body: { name: 'x', description: 'y'.repeat(200_000) } });
    expectEnvelope(huge, 413);
    for (const q of ['?limit=0', '?limit=abc', '?limit=1000', '?status=bogus', '?cursor=garbage']) {
      const r = await call(s.url, 'GET', `/v1/api-keys${q}`, { headers: auth });
      expectEnvelope(r, 400);
      expect(r.body.message).toMatch(/limit|status|cursor/);
    }
    const badPatch = await call(s.url, 'PATCH', '/v1/api-keys/key_x', { headers: auth, body: { scope: 'root' } });
    expectEnvelope(badPatch, 400);
    const longId = await call(s.url, 'GET', `/v1/api-keys/${'k'.repeat(500)}`, { headers: auth });
    expectEnvelope(longId, 400);
    expect(longId.body.message).toMatch(/^id:/);
  });

  it('keeps every secret out of the logs and the audit log', async () => {
    expect(secrets.length).toBeGreaterThan(5);
    const logs = s.logs();
    const audit = JSON.stringify(await s.handle.db.select().from(auditLog));
    expect(audit).toContain('key.create');
    for (const secret of secrets) {
      expect(logs).not.toContain(secret);
      expect(audit).not.toContain(secret);
    }
    expect(logs).not.toContain(owner.token);
    expect(logs).not.toMatch(/"status":5\d\d/);
  });
});
