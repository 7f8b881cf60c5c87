import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeEachDb } from '@keyward/db/testing';
import express from 'express';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Actor } from '../services/actor';
import type { CreateKeyInput } from '../services/keys/types';
import { actorOf } from '../test-support/actor';
import { bearer, call, type Reply, signUp, uniqueEmail } from '../test-support/http';
import { startTestServer, type TestServer } from '../test-support/server';
import { requireApiKey } from './require-key';

function expectRateLimitHeaders(r: Reply, limit: number, remaining: number) {
  expect(r.headers.get('ratelimit-limit')).toBe(String(limit));
  expect(r.headers.get('ratelimit-remaining')).toBe(String(remaining));
  const reset = Number(r.headers.get('ratelimit-reset'));
  expect(reset).toBeGreaterThanOrEqual(0);
  // When refused, the sliding window may only make room in the next fixed window.
  expect(reset).toBeLessThanOrEqual(remaining === 0 ? 120 : 60);
}

describeEachDb('requireApiKey: keys protect an Express app', (driver) => {
  let s: TestServer;
  let app: Server;
  let base: string;
  let owner: Awaited<ReturnType<typeof signUp>>;
  let actor: Actor;
  const secrets: string[] = [];

  const mint = async (input: Omit<CreateKeyInput, 'source'>) => {
    const { key, secret } = await s.services.keys.create(actor, { source: 'dashboard', ...input });
    secrets.push(secret);
    return { id: key.id, secret };
  };

  beforeAll(async () => {
    s = await startTestServer(driver);
    owner = await signUp(s.url, uniqueEmail('guarded'), 'Guarded Owner');
    actor = await actorOf(s, owner.userId);
    // A separate app, as a workspace package would build it, over the same services.
    const tiny = express();
    tiny.get('/open', requireApiKey(s.services), (req, res) => {
      res.json({ keyId: req.apiKey?.id });
    });
    tiny.get('/reports', requireApiKey(s.services, { scopes: ['analytics:read'] }), (req, res) => {
      res.json({ keyId: req.apiKey?.id, scopes: req.apiKey?.scopes, remaining: req.apiKey?.remaining });
    });
    tiny.get(
      '/documents',
      requireApiKey(s.services, { permissions: { and: ['documents.read', { or: ['documents.write', 'admin'] }] } }),
      (req, res) => {
        res.json({ permissions: req.apiKey?.permissions });
      },
    );
    app = tiny.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => app.once('listening', () => resolve()));
    base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => app.close(() => resolve()));
    await s.close();
  });

  it('lets a key with the scope through, by Bearer or x-api-key, with RateLimit headers', async () => {
    const k = await mint({ name: 'analytics', scopes: ['analytics:read'] });
    const limit = s.services.plans.limits(actor.plan).rateLimit;
    const a = await call(base, 'GET', '/reports', { headers: bearer(k.secret) });
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ keyId: k.id, scopes: ['analytics:read'], remaining: null });
    expectRateLimitHeaders(a, limit, limit - 1);
    const b = await call(base, 'GET', '/reports', { headers: { 'x-api-key': k.secret } });
    expect(b.status).toBe(200);
    expectRateLimitHeaders(b, limit, limit - 2);
    expect(b.headers.get('retry-after')).toBeNull();
  });

  it('answers 401 without a key, with a session token or a bogus key', async () => {
    const none = await call(base, 'GET', '/open');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(none.body.error.code).toBe('UNAUTHORIZED');
    expect(none.headers.get('ratelimit-limit')).toBeNull();
    for (const headers of [bearer(owner.token), bearer('kw_notakey'), { 'x-api-key': 'kw_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }]) {
      expect((await call(base, 'GET', '/open', { headers })).status).toBe(401);
    }
  });

  it('answers 403 for a missing scope or permission, naming what is missing', async () => {
    const webhooks = await mint({ name: 'webhooks', scopes: ['webhooks:manage'] });
    const r = await call(base, 'GET', '/reports', { headers: bearer(webhooks.secret) });
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('analytics:read') });
    expect((await call(base, 'GET', '/reports', { headers: bearer((await mint({ name: 'all', scopes: ['*'] })).secret) })).status).toBe(200);

    const reader = await mint({ name: 'reader', permissions: ['documents.read'] });
    const denied = await call(base, 'GET', '/documents', { headers: bearer(reader.secret) });
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toMatch(/documents\.write|admin/);
    const editor = await mint({ name: 'editor', permissions: ['documents.read', 'admin'] });
    const ok = await call(base, 'GET', '/documents', { headers: bearer(editor.secret) });
    expect(ok.status).toBe(200);
    expect(ok.body.permissions).toEqual(['admin', 'documents.read']);
  });

  it('answers 429 with Retry-After once the key is rate limited', async () => {
    const k = await mint({ name: 'limited', ratelimit: { type: 'fast', limit: 2, durationMs: 60_000 } });
    const replies = [];
    for (let i = 0; i < 3; i++) replies.push(await call(base, 'GET', '/open', { headers: bearer(k.secret) }));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 429]);
    expectRateLimitHeaders(replies[0] as Reply, 2, 1);
    const limited = replies[2] as Reply;
    expectRateLimitHeaders(limited, 2, 0);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.body.error.code).toBe('TOO_MANY_REQUESTS');
  });

  it('answers 429 without Retry-After when the key has no uses left', async () => {
    const k = await mint({ name: 'one use', remaining: 1 });
    const a = await call(base, 'GET', '/open', { headers: bearer(k.secret) });
    expect(a.status).toBe(200);
    const b = await call(base, 'GET', '/open', { headers: bearer(k.secret) });
    expect(b.status).toBe(429);
    expect(b.body.error.message).toMatch(/no uses left/);
    expect(b.headers.get('retry-after')).toBeNull();
  });

  it('refuses a revoked, disabled or expired key on the very next request', async () => {
    const revoked = await mint({ name: 'to revoke' });
    expect((await call(base, 'GET', '/open', { headers: bearer(revoked.secret) })).status).toBe(200);
    await s.services.keys.revoke(actor, revoked.id);
    expect((await call(base, 'GET', '/open', { headers: bearer(revoked.secret) })).status).toBe(401);

    const disabled = await mint({ name: 'to disable' });
    expect((await call(base, 'GET', '/open', { headers: bearer(disabled.secret) })).status).toBe(200);
    await s.services.keys.update(actor, disabled.id, { enabled: false });
    const d = await call(base, 'GET', '/open', { headers: bearer(disabled.secret) });
    expect(d.status).toBe(401);
    expect(d.body.error.message).toMatch(/disabled/);

    const expiring = await mint({ name: 'to expire', expiresAt: new Date(Date.now() + 1000) });
    expect((await call(base, 'GET', '/open', { headers: bearer(expiring.secret) })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    const e = await call(base, 'GET', '/open', { headers: bearer(expiring.secret) });
    expect(e.status).toBe(401);
    expect(e.body.error.message).toMatch(/expired/);
  });

  it('refuses invalid options when the route is set up, not when it is hit', () => {
    expect(() => requireApiKey(s.services, { scopes: ['Not A Scope'] })).toThrow(TypeError);
    expect(() => requireApiKey(s.services, { permissions: { xor: [] } as never })).toThrow(TypeError);
  });

  it('puts the same headers and refusals on our own key-authenticated REST routes', async () => {
    const k = await mint({ name: 'rest limited', ratelimit: { type: 'fast', limit: 2, durationMs: 60_000 } });
    const a = await call(s.url, 'GET', '/v1/api-keys?limit=1', { headers: bearer(k.secret) });
    expect(a.status).toBe(200);
    expectRateLimitHeaders(a, 2, 1);
    await call(s.url, 'GET', '/v1/api-keys?limit=1', { headers: { 'x-api-key': k.secret } });
    const limited = await call(s.url, 'GET', '/v1/api-keys?limit=1', { headers: bearer(k.secret) });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 429, data: null, message: expect.stringMatching(/Rate limit/) });
    expectRateLimitHeaders(limited, 2, 0);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    const revoked = await mint({ name: 'rest revoked' });
    expect((await call(s.url, 'GET', '/v1/api-keys?limit=1', { headers: bearer(revoked.secret) })).status).toBe(200);
    const del = await call(s.url, 'DELETE', `/v1/api-keys/${revoked.id}`, { headers: bearer(owner.token) });
    expect(del.status).toBe(200);
    expect((await call(s.url, 'GET', '/v1/api-keys?limit=1', { headers: bearer(revoked.secret) })).status).toBe(401);

    // A session caller has no key quota, so no key headers.
    const session = await call(s.url, 'GET', '/v1/api-keys?limit=1', { headers: bearer(owner.token) });
    expect(session.headers.get('ratelimit-limit')).toBeNull();
  });

  it('keeps every secret out of the logs', () => {
    const logs = s.logs();
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });
});
