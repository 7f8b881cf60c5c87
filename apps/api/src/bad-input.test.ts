import { describeEachDb } from '@keyward/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bearer, betterAuthCookie, call, type Reply, signUp } from './test-support/http';
import { startTestServer, type TestServer } from './test-support/server';
import { trpcCall } from './test-support/trpc';

const TEN_KB = 'x'.repeat(10 * 1024);
/** Past KEYWARD_BODY_LIMIT (100kb). */
const OVERSIZE = JSON.stringify({ name: 'big', description: 'y'.repeat(110 * 1024) });

interface Case {
  name: string;
  send(): Promise<Reply>;
  status: number;
  /** What the error message (and, on tRPC, `data.field`) must name. */
  field?: string;
}

describeEachDb('bad input gets a 4xx naming the field, never a 500', (driver) => {
  let s: TestServer;
  let token: string;
  let keyId: string;

  beforeAll(async () => {
    s = await startTestServer(driver);
    token = (await signUp(s.url)).token;
    const k = await call(s.url, 'POST', '/v1/api-keys', { headers: bearer(token), body: { name: 'target', scope: 'read-write' } });
    keyId = k.body.data.id;
  });
  afterAll(() => s.close());

  const post = (path: string, body: unknown) => () => call(s.url, 'POST', path, { headers: bearer(token), body });
  const postRaw = (path: string, raw: string) => () => call(s.url, 'POST', path, { headers: bearer(token), raw });
  const patch = (body: unknown) => () => call(s.url, 'PATCH', `/v1/api-keys/${keyId}`, { headers: bearer(token), body });
  const get = (path: string) => () => call(s.url, 'GET', path, { headers: bearer(token) });
  const rybbit = (body: unknown) => () => call(s.url, 'POST', '/api/user/api-keys', { headers: betterAuthCookie(token), body });

  /** Asserts one REST case; each surface has its own error shape, so the message is found where it lives. */
  function restMessage(r: Reply): string {
    const b = r.body;
    return String(b?.message ?? b?.error?.message ?? b?.error ?? '');
  }

  const restCases = (): Case[] => [
    // Seed 01
    { name: 'rybbit create: malformed JSON', send: () => call(s.url, 'POST', '/api/user/api-keys', { headers: betterAuthCookie(token), raw: '{"name": "x",' }), status: 400, field: 'JSON' },
    { name: 'rybbit create: missing name', send: rybbit({ expiresIn: 60 }), status: 400, field: 'name' },
    { name: 'rybbit create: name of wrong type', send: rybbit({ name: 42 }), status: 400, field: 'name' },
    { name: 'rybbit create: 10 kB name', send: rybbit({ name: TEN_KB }), status: 400, field: 'name' },
    { name: 'rybbit create: expiresIn a string', send: rybbit({ name: 'x', expiresIn: 'soon' }), status: 400, field: 'expiresIn' },
    { name: 'rybbit create: expiresIn too far', send: rybbit({ name: 'x', expiresIn: 1e12 }), status: 400, field: 'expiresIn' },
    { name: 'rybbit create: permissions not a list', send: rybbit({ name: 'x', permissions: 'keys:read' }), status: 400, field: 'permissions' },
    { name: 'rybbit create: unknown permission', send: rybbit({ name: 'x', permissions: ['keys:READ!'] }), status: 400, field: 'permissions' },
    { name: 'rybbit create: body is an array', send: rybbit([{ name: 'x' }]), status: 400 },
    { name: 'rybbit create: oversize body', send: () => call(s.url, 'POST', '/api/user/api-keys', { headers: betterAuthCookie(token), raw: OVERSIZE }), status: 413 },
    // Seed 02
    { name: 'rybbit delete: malformed JSON', send: () => call(s.url, 'POST', '/api/auth/api-key/delete', { headers: betterAuthCookie(token), raw: '{' }), status: 400, field: 'JSON' },
    { name: 'rybbit delete: missing keyId', send: post('/api/auth/api-key/delete', {}), status: 400, field: 'keyId' },
    { name: 'rybbit delete: keyId of wrong type', send: post('/api/auth/api-key/delete', { keyId: 7 }), status: 400, field: 'keyId' },
    { name: 'rybbit delete: 10 kB keyId', send: post('/api/auth/api-key/delete', { keyId: TEN_KB }), status: 400, field: 'keyId' },
    { name: 'rybbit delete: oversize body', send: postRaw('/api/auth/api-key/delete', OVERSIZE), status: 413 },
    // Seed 03
    { name: 'org create: malformed JSON', send: postRaw('/v1/api-keys', '{"name": }'), status: 400, field: 'JSON' },
    { name: 'org create: missing name', send: post('/v1/api-keys', { scope: 'read' }), status: 400, field: 'name' },
    { name: 'org create: name of wrong type', send: post('/v1/api-keys', { name: ['a'] }), status: 400, field: 'name' },
    { name: 'org create: 10 kB name', send: post('/v1/api-keys', { name: TEN_KB }), status: 400, field: 'name' },
    { name: 'org create: 10 kB description', send: post('/v1/api-keys', { name: 'x', description: TEN_KB }), status: 400, field: 'description' },
    { name: 'org create: unknown scope', send: post('/v1/api-keys', { name: 'x', scope: 'admin' }), status: 400, field: 'scope' },
    { name: 'org create: expiresAt not a date', send: post('/v1/api-keys', { name: 'x', expiresAt: 'tomorrow' }), status: 400, field: 'expiresAt' },
    { name: 'org create: expiresAt a number', send: post('/v1/api-keys', { name: 'x', expiresAt: 1700000000 }), status: 400, field: 'expiresAt' },
    { name: 'org create: expiresAt in the past', send: post('/v1/api-keys', { name: 'x', expiresAt: '2001-01-01T00:00:00Z' }), status: 400, field: 'expiresAt' },
    { name: 'org create: unknown serviceAccountId', send: post('/v1/api-keys', { name: 'x', serviceAccountId: 'sa_nope' }), status: 404, field: 'sa_nope' },
    { name: 'org create: serviceAccountId of wrong type', send: post('/v1/api-keys', { name: 'x', serviceAccountId: {} }), status: 400, field: 'serviceAccountId' },
    { name: 'org create: oversize body', send: postRaw('/v1/api-keys', OVERSIZE), status: 413 },
    { name: 'org list: limit not a number', send: get('/v1/api-keys?limit=lots'), status: 400, field: 'limit' },
    { name: 'org list: limit too large', send: get('/v1/api-keys?limit=100000'), status: 400, field: 'limit' },
    { name: 'org list: limit given twice', send: get('/v1/api-keys?limit=1&limit=2'), status: 400, field: 'limit' },
    { name: 'org list: unknown status', send: get('/v1/api-keys?status=sleeping'), status: 400, field: 'status' },
    { name: 'org list: forged cursor', send: get('/v1/api-keys?cursor=bm90LWEtY3Vyc29y'), status: 400, field: 'cursor' },
    { name: 'org list: 10 kB cursor', send: get(`/v1/api-keys?cursor=${TEN_KB}`), status: 400, field: 'cursor' },
    { name: 'org get: 10 kB id', send: get(`/v1/api-keys/${TEN_KB}`), status: 400, field: 'id' },
    { name: 'org get: unknown id', send: get('/v1/api-keys/key_unknown'), status: 404 },
    { name: 'org patch: malformed JSON', send: () => call(s.url, 'PATCH', `/v1/api-keys/${keyId}`, { headers: bearer(token), raw: 'nope' }), status: 400, field: 'JSON' },
    { name: 'org patch: empty name', send: patch({ name: '' }), status: 400, field: 'name' },
    { name: 'org patch: 10 kB name', send: patch({ name: TEN_KB }), status: 400, field: 'name' },
    { name: 'org patch: unknown scope', send: patch({ scope: 'everything' }), status: 400, field: 'scope' },
    { name: 'org patch: expiresAt without zone', send: patch({ expiresAt: '2099-01-01T10:00:00' }), status: 400, field: 'expiresAt' },
    { name: 'org patch: description of wrong type', send: patch({ description: 5 }), status: 400, field: 'description' },
    { name: 'org patch: oversize body', send: () => call(s.url, 'PATCH', `/v1/api-keys/${keyId}`, { headers: bearer(token), raw: OVERSIZE }), status: 413 },
    { name: 'org delete: 10 kB id', send: () => call(s.url, 'DELETE', `/v1/api-keys/${TEN_KB}`, { headers: bearer(token) }), status: 400, field: 'id' },
    { name: 'service accounts: missing name', send: post('/v1/service-accounts', {}), status: 400, field: 'name' },
    { name: 'service accounts: 10 kB name', send: post('/v1/service-accounts', { name: TEN_KB }), status: 400, field: 'name' },
    { name: 'service accounts: 10 kB description', send: post('/v1/service-accounts', { name: 'x', description: TEN_KB }), status: 400, field: 'description' },
    { name: 'service accounts: malformed JSON', send: postRaw('/v1/service-accounts', '[1,'), status: 400, field: 'JSON' },
    { name: 'service accounts: oversize body', send: postRaw('/v1/service-accounts', OVERSIZE), status: 413 },
    { name: 'service accounts list: limit zero', send: get('/v1/service-accounts?limit=0'), status: 400, field: 'limit' },
    // Valid JSON that PostgreSQL cannot store.
    { name: 'rybbit create: NUL in name', send: rybbit({ name: 'a\u0000b' }), status: 400, field: 'name' },
    { name: 'org create: NUL in description', send: post('/v1/api-keys', { name: 'x', description: 'a\u0000' }), status: 400, field: 'description' },
    { name: 'org create: lone surrogate in name', send: post('/v1/api-keys', { name: 'a\ud800b' }), status: 400, field: 'name' },
    { name: 'org get: NUL in id', send: get('/v1/api-keys/key%00x'), status: 400, field: 'id' },
    { name: 'org list: NUL in cursor', send: get('/v1/api-keys?cursor=a%00'), status: 400, field: 'cursor' },
    { name: 'sign-up: NUL in name', send: post('/api/auth/sign-up/email', { email: 'nul@example.com', password: 'long enough', name: '\u0000' }), status: 400, field: 'name' },
    { name: 'deeply nested unknown field (ignored)', send: postRaw('/v1/api-keys', `{"name":"x","extra":${'['.repeat(20_000)}${']'.repeat(20_000)}}`), status: 200 },
  ];

  it('answers every bad REST request with the documented 4xx and names the field', async () => {
    const failures: string[] = [];
    for (const c of restCases()) {
      const r = await c.send();
      const message = restMessage(r);
      if (r.status !== c.status) failures.push(`${c.name}: ${r.status} ${r.text.slice(0, 200)}`);
      else if (c.field && !message.includes(c.field)) failures.push(`${c.name}: message "${message}" does not name ${c.field}`);
      if (r.text.includes('    at ')) failures.push(`${c.name}: leaks a stack trace`);
    }
    expect(failures).toEqual([]);
  });

  const trpcCases = (): (Case & { path: string })[] => {
    const mutation = (path: string, input: unknown) => () => trpcCall(s.url, 'mutation', path, input, bearer(token));
    const query = (path: string, input: unknown) => () => trpcCall(s.url, 'query', path, input, bearer(token));
    const c = (name: string, path: string, send: () => Promise<Reply>, status: number, field?: string) => ({
      name,
      path,
      send,
      status,
      ...(field ? { field } : {}),
    });
    return [
      c('create: missing name', 'keys.create', mutation('keys.create', {}), 400, 'name'),
      c('create: name of wrong type', 'keys.create', mutation('keys.create', { name: 1 }), 400, 'name'),
      c('create: 10 kB name', 'keys.create', mutation('keys.create', { name: TEN_KB }), 400, 'name'),
      c('create: 10 kB description', 'keys.create', mutation('keys.create', { name: 'x', description: TEN_KB }), 400, 'description'),
      c('create: unknown scope', 'keys.create', mutation('keys.create', { name: 'x', scopes: ['root'] }), 400, 'scopes'),
      c('create: scopes not a list', 'keys.create', mutation('keys.create', { name: 'x', scopes: 'read' }), 400, 'scopes'),
      c('create: bad permission name', 'keys.create', mutation('keys.create', { name: 'x', permissions: ['has space'] }), 400, 'permissions'),
      c('create: unknown role', 'keys.create', mutation('keys.create', { name: 'x', roles: ['auditor'] }), 404),
      c('create: unknown ratelimit type', 'keys.create', mutation('keys.create', { name: 'x', ratelimit: { type: 'turbo', limit: 1, durationMs: 1000 } }), 400, 'ratelimit.type'),
      c('create: ratelimit window too short', 'keys.create', mutation('keys.create', { name: 'x', ratelimit: { limit: 1, durationMs: 5 } }), 400, 'ratelimit.durationMs'),
      c('create: unknown refill interval', 'keys.create', mutation('keys.create', { name: 'x', remaining: 5, refill: { interval: 'hourly', amount: 5 } }), 400, 'refill.interval'),
      c('create: refill without remaining', 'keys.create', mutation('keys.create', { name: 'x', refill: { interval: 'daily', amount: 5 } }), 400, 'refill'),
      c('create: negative remaining', 'keys.create', mutation('keys.create', { name: 'x', remaining: -1 }), 400, 'remaining'),
      c('create: expiresAt not a date', 'keys.create', mutation('keys.create', { name: 'x', expiresAt: 'someday' }), 400, 'expiresAt'),
      c('create: expiresAt in the past', 'keys.create', mutation('keys.create', { name: 'x', expiresAt: '2000-01-01T00:00:00Z' }), 400, 'expiresAt'),
      c('create: meta not an object', 'keys.create', mutation('keys.create', { name: 'x', meta: [1, 2] }), 400, 'meta'),
      c('create: meta too big', 'keys.create', mutation('keys.create', { name: 'x', meta: { blob: 'z'.repeat(20_000) } }), 400, 'meta'),
      c('create: bad prefix', 'keys.create', mutation('keys.create', { name: 'x', prefix: 'no-dash' }), 400, 'prefix'),
      c('create: byteLength too small', 'keys.create', mutation('keys.create', { name: 'x', byteLength: 4 }), 400, 'byteLength'),
      c('create: recoverable without a server key', 'keys.create', mutation('keys.create', { name: 'x', recoverable: true }), 400, 'recoverable'),
      c('create: 10 kB environment', 'keys.create', mutation('keys.create', { name: 'x', environment: TEN_KB }), 400, 'environment'),
      c('list: unknown status', 'keys.list', query('keys.list', { status: 'asleep' }), 400, 'status'),
      c('list: limit of wrong type', 'keys.list', query('keys.list', { limit: 'ten' }), 400, 'limit'),
      c('list: forged cursor', 'keys.list', query('keys.list', { cursor: 'AAAA' }), 400, 'cursor'),
      c('list: 10 kB search', 'keys.list', query('keys.list', { search: TEN_KB }), 400, 'search'),
      c('get: missing id', 'keys.get', query('keys.get', {}), 400, 'id'),
      c('get: 10 kB id', 'keys.get', query('keys.get', { id: TEN_KB }), 400, 'id'),
      c('update: 10 kB name', 'keys.update', mutation('keys.update', { id: 'key_x', name: TEN_KB }), 400, 'name'),
      c('update: enabled of wrong type', 'keys.update', mutation('keys.update', { id: 'key_x', enabled: 'yes' }), 400, 'enabled'),
      c('reroll: negative grace', 'keys.reroll', mutation('keys.reroll', { id: 'key_x', graceMs: -1 }), 400, 'graceMs'),
      c('reroll: grace of wrong type', 'keys.reroll', mutation('keys.reroll', { id: 'key_x', graceMs: '1h' }), 400, 'graceMs'),
      c('revoke: id of wrong type', 'keys.revoke', mutation('keys.revoke', { id: 5 }), 400, 'id'),
      c('delete: missing id', 'keys.delete', mutation('keys.delete', {}), 400, 'id'),
      c('invite: bad email', 'orgs.invite', mutation('orgs.invite', { email: 'nope', role: 'member' }), 400, 'email'),
      c('invite: unknown role', 'orgs.invite', mutation('orgs.invite', { email: 'a@b.co', role: 'king' }), 400, 'role'),
      c('setRole: unknown role', 'orgs.setRole', mutation('orgs.setRole', { userId: 'user_x', role: 'god' }), 400, 'role'),
      c('setPlan: unknown plan', 'orgs.setPlan', mutation('orgs.setPlan', { plan: 'enterprise' }), 400, 'plan'),
      c('create org: 10 kB name', 'orgs.create', mutation('orgs.create', { name: TEN_KB }), 400, 'name'),
      c('switch: missing organizationId', 'orgs.switch', mutation('orgs.switch', {}), 400, 'organizationId'),
      c('audit: 10 kB action', 'audit.list', query('audit.list', { action: TEN_KB }), 400, 'action'),
      c('create: NUL in name', 'keys.create', mutation('keys.create', { name: 'a\u0000' }), 400, 'name'),
      c('create: NUL in a meta value', 'keys.create', mutation('keys.create', { name: 'x', meta: { a: { b: '\u0000' } } }), 400, 'meta.a.b'),
      c('create: NUL in a meta key', 'keys.create', mutation('keys.create', { name: 'x', meta: { 'k\u0000': 1 } }), 400, 'meta'),
      c('create: lone surrogate in a permission', 'keys.create', mutation('keys.create', { name: 'x', permissions: ['ok', '\udc00'] }), 400, 'permissions.1'),
      c('create: deeply nested meta', 'keys.create', () => call(s.url, 'POST', '/trpc/keys.create', { headers: bearer(token), raw: `{"name":"x","meta":${'{"v":'.repeat(10_000)}1${'}'.repeat(10_000)}}` }), 400, 'meta'),
      c('list: NUL in search', 'keys.list', query('keys.list', { search: '\u0000' }), 400, 'search'),
      c('update: lone surrogate in description', 'keys.update', mutation('keys.update', { id: 'key_x', description: '\ud83d' }), 400, 'description'),
      c('create: malformed JSON', 'keys.create', () => call(s.url, 'POST', '/trpc/keys.create', { headers: bearer(token), raw: '{"name":' }), 400),
      c('list: malformed input', 'keys.list', () => call(s.url, 'GET', '/trpc/keys.list?input=%7Bnope', { headers: bearer(token) }), 400),
      c('create: oversize body', 'keys.create', () => call(s.url, 'POST', '/trpc/keys.create', { headers: bearer(token), raw: OVERSIZE }), 413),
    ];
  };

  it('answers every bad tRPC input with a 4xx whose data.field names the field', async () => {
    const failures: string[] = [];
    for (const c of trpcCases()) {
      const r = await c.send();
      const error = r.body?.error;
      if (r.status !== c.status) failures.push(`${c.name}: ${r.status} ${r.text.slice(0, 300)}`);
      else if (!error) failures.push(`${c.name}: no error body`);
      else if (c.status === 413 && !/too large/.test(error.message)) failures.push(`${c.name}: message "${error.message}"`);
      else if (c.field) {
        if (error.data?.field !== c.field) failures.push(`${c.name}: data.field is ${JSON.stringify(error.data?.field)}, not ${c.field}`);
        if (!String(error.message).includes(c.field.split('.')[0] ?? '')) failures.push(`${c.name}: message "${error.message}" does not name ${c.field}`);
      }
      if (r.text.includes('    at ')) failures.push(`${c.name}: leaks a stack trace`);
    }
    expect(failures).toEqual([]);
  });

  it('keeps answering, and the target key is unchanged, after all of that', async () => {
    const r = await call(s.url, 'GET', `/v1/api-keys/${keyId}`, { headers: bearer(token) });
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({ name: 'target', scope: 'read-write', revokedAt: null });
    expect(s.logs()).not.toMatch(/"level":50/);
  });
});
