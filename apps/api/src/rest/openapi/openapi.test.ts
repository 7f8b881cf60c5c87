import { generateKeyPairSync, sign } from 'node:crypto';
import { describeEachDb } from '@keyward/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../app';
import { createLogger } from '../../http/logger';
import { checkSchema, type JsonSchema } from '../../test-support/json-schema';
import { bearer, betterAuthCookie, call, type Reply, signUp, uniqueEmail } from '../../test-support/http';
import { startTestServer, type TestServer } from '../../test-support/server';

interface Layer {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: unknown;
}

/** Every string-path route the express app mounts, as `METHOD /openapi/{template}`. */
function mountedRoutes(stack: Layer[], prefix = ''): string[] {
  const out: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      if (typeof layer.route.path !== 'string') continue;
      const path = `${prefix}${layer.route.path}`.replace(/:(\w+)/g, '{$1}');
      for (const m of Object.keys(layer.route.methods)) if (m !== '_all') out.push(`${m.toUpperCase()} ${path}`);
    } else if (layer.handle?.stack && typeof layer.rawPath === 'string') {
      out.push(...mountedRoutes(layer.handle.stack, prefix + (layer.rawPath === '/' ? '' : layer.rawPath)));
    }
  }
  return out;
}

type Spec = {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, { content: { 'application/json': { schema: JsonSchema } } }> }>>;
  components: { securitySchemes: Record<string, Record<string, string>> };
};

const SCAN_KEY_ID = 'test-key';
const scanKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

describeEachDb('OpenAPI document', (driver) => {
  let s: TestServer;
  let spec: Spec;
  let session: string;
  let root: string;
  /** `METHOD template 2xx|4xx` for every answer checked against the document. */
  const covered = new Set<string>();

  beforeAll(async () => {
    s = await startTestServer(driver, {
      KEYWARD_OPEN_SIGNUP: 'true',
      KEYWARD_ENCRYPTION_KEY: 'cd'.repeat(32),
      KEYWARD_SECRET_SCANNING_KEYS: JSON.stringify([{ key_identifier: SCAN_KEY_ID, key: scanKeys.publicKey.export({ type: 'spki', format: 'pem' }) }]),
    });
    spec = (await call(s.url, 'GET', '/openapi.json')).body;
  });
  afterAll(() => s.close());

  function responseSchema(method: string, template: string, status: number): JsonSchema {
    const op = spec.paths[template]?.[method.toLowerCase()];
    if (!op) throw new Error(`${method} ${template} is not in the document`);
    const r = op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`] ?? op.responses.default;
    if (!r) throw new Error(`${method} ${template} documents no ${status}`);
    return r.content['application/json'].schema;
  }

  /** Makes a real request and checks the answer's status and its body against the document. */
  async function check(
    method: string,
    template: string,
    status: number,
    opts: { path?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const { path = template, ...rest } = opts;
    const r = await call(s.url, method, path, rest);
    expect(r.status, `${method} ${path}: ${r.text}`).toBe(status);
    expect(checkSchema(responseSchema(method, template, status), r.body), `${method} ${path}: ${r.text}`).toEqual([]);
    covered.add(`${method} ${template} ${status < 300 ? '2xx' : '4xx'}`);
    return r;
  }

  it('is OpenAPI 3.1 with the three ways to authenticate, and nothing else is needed to render /docs', async () => {
    expect(spec.openapi).toMatch(/^3\.1\.\d+$/);
    const schemes = spec.components.securitySchemes;
    expect(schemes.sessionCookie).toMatchObject({ type: 'apiKey', in: 'cookie' });
    expect(schemes.sessionBearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(schemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    const page = await call(s.url, 'GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(page.text).toContain('<script src="/docs/reference.js"></script>');
    // Self-contained: no script, style or font from anywhere else.
    expect(page.text).not.toMatch(/(src|href)="https?:/);
    const script = await call(s.url, 'GET', '/docs/reference.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(script.text).toContain("fetch('/openapi.json')");
    expect(script.text).not.toContain('innerHTML');
  });

  it('documents exactly the REST routes the server mounts', () => {
    const app = createApp({ services: s.services, logger: createLogger('silent') });
    const mounted = mountedRoutes((app as unknown as { router: { stack: Layer[] } }).router.stack).filter((r) => / \/(api|v1)\//.test(r));
    const documented = Object.entries(spec.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    expect(new Set(mounted).size).toBeGreaterThan(30);
    expect([...new Set(mounted)].sort()).toEqual(documented.sort());
  });

  it('catches a body that strays from its schema', () => {
    const schema = responseSchema('POST', '/v1/keys.createKey', 200);
    expect(checkSchema(schema, { keyId: 'key_1', key: 'kw_x' })).toEqual([]);
    expect(checkSchema(schema, { keyId: 'key_1', key: 'kw_x', extra: 1 })).not.toEqual([]);
    expect(checkSchema(schema, { keyId: 'key_1' })).not.toEqual([]);
    expect(checkSchema(schema, { keyId: 1, key: 'kw_x' })).not.toEqual([]);
  });

  it('describes the sessions surface’s real answers', async () => {
    const email = uniqueEmail('spec');
    const up = await check('POST', '/api/auth/sign-up/email', 200, { body: { email, password: 'correct horse battery', name: 'Spec' } });
    session = up.body.token;
    await check('POST', '/api/auth/sign-up/email', 400, { body: { email: 'not-an-email', password: 'correct horse battery', name: 'x' } });
    await check('POST', '/api/auth/sign-in/email', 200, { body: { email, password: 'correct horse battery' } });
    await check('POST', '/api/auth/sign-in/email', 401, { body: { email, password: 'wrong horse battery' } });
    await check('GET', '/api/auth/get-session', 200, { headers: bearer(session) });
    await check('GET', '/api/auth/get-session', 200);
    const other = await signUp(s.url);
    await check('POST', '/api/auth/sign-out', 200, { headers: bearer(other.token) });
    await check('POST', '/api/auth/sign-out', 400, { raw: '{oops' });
  });

  it('describes the Rybbit, organization and Wubble surfaces’ real answers', async () => {
    const cookie = betterAuthCookie(session);
    const rybbit = await check('POST', '/api/user/api-keys', 200, { headers: cookie, body: { name: 'CI pipeline', expiresIn: 2592000 } });
    await check('POST', '/api/user/api-keys', 401, { body: { name: 'anonymous' } });
    await check('POST', '/api/auth/api-key/delete', 200, { headers: cookie, body: { keyId: rybbit.body.id } });
    await check('POST', '/api/auth/api-key/delete', 404, { headers: cookie, body: { keyId: 'key_missing' } });

    const auth = bearer(session);
    const created = await check('POST', '/v1/api-keys', 200, { headers: auth, body: { name: 'root', scope: 'read-write' } });
    root = created.body.data.key;
    await check('POST', '/v1/api-keys', 400, { headers: auth, body: {} });
    await check('GET', '/v1/api-keys', 200, { headers: bearer(root) });
    await check('GET', '/v1/api-keys', 400, { headers: auth, path: '/v1/api-keys?limit=0' });
    const one = `/v1/api-keys/${created.body.data.id}`;
    await check('GET', '/v1/api-keys/{id}', 200, { headers: auth, path: one });
    await check('GET', '/v1/api-keys/{id}', 404, { headers: auth, path: '/v1/api-keys/key_missing' });
    const spare = await check('POST', '/v1/api-keys', 200, { headers: auth, body: { name: 'spare', description: 'to change', expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString() } });
    const spareId = `/v1/api-keys/${spare.body.data.id}`;
    await check('PATCH', '/v1/api-keys/{id}', 200, { headers: auth, path: spareId, body: { name: 'renamed', description: null } });
    await check('PATCH', '/v1/api-keys/{id}', 400, { headers: auth, path: spareId, body: { scope: 'admin' } });
    await check('DELETE', '/v1/api-keys/{id}', 200, { headers: auth, path: spareId });
    await check('DELETE', '/v1/api-keys/{id}', 404, { headers: auth, path: '/v1/api-keys/key_missing' });
    await check('POST', '/v1/service-accounts', 200, { headers: auth, body: { name: 'deployer' } });
    await check('POST', '/v1/service-accounts', 400, { headers: auth, body: {} });
    await check('GET', '/v1/service-accounts', 200, { headers: auth });
    await check('GET', '/v1/service-accounts', 400, { headers: auth, path: '/v1/service-accounts?limit=abc' });

    await check('POST', '/v1/apikeys', 200, { headers: { ...auth, 'Idempotency-Key': 'spec-1' }, body: { name: 'CI usage reader', scopes: ['analytics:read'], expires_in_days: 90 } });
    await check('POST', '/v1/apikeys', 403, { headers: bearer(root), body: { name: 'from a key' } });
  });

  it('describes the Unkey surface’s real answers', async () => {
    const auth = bearer(root);
    const post = (name: string, status: number, body: unknown) => check('POST', `/v1/${name}`, status, { headers: auth, body });
    const get = (name: string, status: number, query: string) => check('GET', `/v1/${name}`, status, { headers: auth, path: `/v1/${name}?${query}` });

    const apiId = (await post('apis.createApi', 200, { name: 'spec' })).body.apiId;
    await post('apis.createApi', 400, {});
    await get('apis.getApi', 200, `apiId=${apiId}`);
    await get('apis.getApi', 400, '');
    const doomed = (await post('apis.createApi', 200, { name: 'doomed' })).body.apiId;
    await post('apis.deleteApi', 200, { apiId: doomed });
    await post('apis.deleteApi', 404, { apiId: doomed });

    const permissionId = (await post('permissions.createPermission', 200, { name: 'dns.read', description: 'read records' })).body.permissionId;
    await post('permissions.createPermission', 400, {});
    await get('permissions.getPermission', 200, `permissionId=${permissionId}`);
    await get('permissions.getPermission', 400, '');
    await check('GET', '/v1/permissions.listPermissions', 200, { headers: auth });
    await check('GET', '/v1/permissions.listPermissions', 401);
    const roleId = (await post('permissions.createRole', 200, { name: 'dns.admin', permissions: ['dns.read'] })).body.roleId;
    await post('permissions.createRole', 400, {});
    await get('permissions.getRole', 200, `roleId=${roleId}`);
    await get('permissions.getRole', 400, '');
    await check('GET', '/v1/permissions.listRoles', 200, { headers: auth });
    await check('GET', '/v1/permissions.listRoles', 401);

    const full = {
      apiId,
      prefix: 'spec',
      name: 'full',
      ownerId: 'team_1',
      meta: { tier: 'pro' },
      roles: ['dns.admin'],
      permissions: ['dns.write'],
      expires: Date.now() + 86_400_000,
      remaining: 100,
      refill: { interval: 'monthly', amount: 100, refillDay: 15 },
      ratelimit: { type: 'fast', limit: 10, duration: 60_000 },
      recoverable: true,
      environment: 'test',
    };
    const k = (await post('keys.createKey', 200, full)).body as { keyId: string; key: string };
    const plain = (await post('keys.createKey', 200, { apiId })).body as { keyId: string; key: string };
    await post('keys.createKey', 400, { apiId, byteLength: 1 });
    await get('keys.getKey', 200, `keyId=${k.keyId}&decrypt=true`);
    await get('keys.getKey', 200, `keyId=${plain.keyId}`);
    await get('keys.getKey', 404, 'keyId=key_missing');
    await get('apis.listKeys', 200, `apiId=${apiId}&limit=1`);
    await get('apis.listKeys', 400, '');

    await check('POST', '/v1/keys.verifyKey', 200, { body: { key: k.key, authorization: { permissions: 'dns.read' } } });
    await check('POST', '/v1/keys.verifyKey', 200, { body: { key: plain.key } });
    await check('POST', '/v1/keys.verifyKey', 200, { body: { key: 'kw_not_a_key' } });
    await check('POST', '/v1/keys.verifyKey', 400, { body: {} });

    await post('keys.updateKey', 200, { keyId: k.keyId, name: 'renamed', meta: null });
    await post('keys.updateKey', 400, { keyId: k.keyId, enabled: 'yes' });
    await post('keys.updateRemaining', 200, { keyId: k.keyId, op: 'set', value: 50 });
    await post('keys.updateRemaining', 400, { keyId: k.keyId, op: 'double', value: 2 });
    for (const kind of ['Permissions', 'Roles']) {
      const refs = kind === 'Permissions' ? { permissions: [{ name: 'dns.delete', create: true }] } : { roles: [{ id: roleId }] };
      await post(`keys.add${kind}`, 200, { keyId: k.keyId, ...refs });
      await post(`keys.set${kind}`, 200, { keyId: k.keyId, ...refs });
      await post(`keys.remove${kind}`, 200, { keyId: k.keyId, ...refs });
      for (const op of ['add', 'set', 'remove']) await post(`keys.${op}${kind}`, 400, {});
    }
    await s.services.usage.flush();
    await get('keys.getVerifications', 200, `keyId=${k.keyId}`);
    await get('keys.getVerifications', 400, 'granularity=hour');
    await post('keys.deleteKey', 200, { keyId: plain.keyId });
    await post('keys.deleteKey', 404, { keyId: plain.keyId });
    await post('permissions.deletePermission', 200, { permissionId });
    await post('permissions.deletePermission', 400, {});
    await post('permissions.deleteRole', 200, { roleId });
    await post('permissions.deleteRole', 400, {});
  });

  it('describes the secret-scanning endpoint’s real answers', async () => {
    const raw = JSON.stringify([{ token: 'kw_not_ours', type: 'keyward_api_key', url: 'https://github.com/o/r', source: 'content' }]);
    const signature = sign('sha256', Buffer.from(raw), scanKeys.privateKey).toString('base64');
    const headers = { 'Github-Public-Key-Identifier': SCAN_KEY_ID, 'Github-Public-Key-Signature': signature };
    await check('POST', '/v1/secret-scanning/github', 200, { raw, headers });
    await check('POST', '/v1/secret-scanning/github', 401, { raw });
  });

  it('has checked a success and (where one is documented) an error of every operation', () => {
    const missing: string[] = [];
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const m = method.toUpperCase();
        if (!covered.has(`${m} ${path} 2xx`)) missing.push(`${m} ${path} success`);
        if (op.responses['4XX'] && !covered.has(`${m} ${path} 4xx`)) missing.push(`${m} ${path} error`);
      }
    }
    expect(missing).toEqual([]);
  });
});
