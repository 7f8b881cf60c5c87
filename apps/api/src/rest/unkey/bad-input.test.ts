import { describeEachDb } from '@keyward/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bearer, call, type Reply } from '../../test-support/http';
import type { TestServer } from '../../test-support/server';
import { startUnkeyServer } from '../../test-support/unkey';

const POST_ROUTES = [
  'keys.createKey',
  'keys.verifyKey',
  'keys.updateKey',
  'keys.deleteKey',
  'keys.updateRemaining',
  'keys.addPermissions',
  'keys.setPermissions',
  'keys.removePermissions',
  'keys.addRoles',
  'keys.setRoles',
  'keys.removeRoles',
  'apis.createApi',
  'apis.deleteApi',
  'permissions.createPermission',
  'permissions.deletePermission',
  'permissions.createRole',
  'permissions.deleteRole',
];
const GET_ROUTES = ['keys.getKey', 'keys.getVerifications', 'apis.getApi', 'apis.listKeys', 'permissions.getPermission', 'permissions.getRole'];

/** 4xx in Unkey's error shape, and (when given) a message naming the field. */
function expectUnkeyError(r: Reply, status: number, field?: string) {
  expect(r.status, r.text).toBe(status);
  expect(r.body.error).toEqual({
    code: expect.any(String),
    docs: expect.stringMatching(/^https:\/\/unkey\.dev\/docs\/api-reference\/errors\/code\//),
    message: field ? expect.stringContaining(field) : expect.any(String),
    requestId: expect.stringMatching(/^req_/),
  });
}

describeEachDb('seed 04: bad input to the Unkey surface', (driver) => {
  let s: TestServer;
  let auth: Record<string, string>;
  let apiId: string;
  let keyId: string;
  const secrets: string[] = [];

  beforeAll(async () => {
    let rootKey: string;
    ({ server: s, rootKey, apiId } = await startUnkeyServer(driver, 'bad input'));
    secrets.push(rootKey);
    auth = bearer(rootKey);
    const created = await call(s.url, 'POST', '/v1/keys.createKey', { headers: auth, body: { apiId, remaining: 5 } });
    keyId = created.body.keyId;
    secrets.push(created.body.key);
  });
  afterAll(() => s.close());

  const post = (route: string, body: unknown) => call(s.url, 'POST', `/v1/${route}`, { headers: auth, body });
  const get = (route: string, query: string) => call(s.url, 'GET', `/v1/${route}?${query}`, { headers: auth });

  it('answers every route’s malformed JSON, non-object bodies and missing parameters with 400', async () => {
    for (const route of POST_ROUTES) {
      expectUnkeyError(await call(s.url, 'POST', `/v1/${route}`, { headers: auth, raw: '{"apiId": "x",' }), 400);
      expectUnkeyError(await call(s.url, 'POST', `/v1/${route}`, { headers: auth, raw: '"just a string"' }), 400);
      expectUnkeyError(await post(route, [1, 2, 3]), 400);
      expectUnkeyError(await post(route, {}), 400);
    }
    for (const route of GET_ROUTES) {
      expectUnkeyError(await get(route, ''), 400);
      expectUnkeyError(await get(route, 'keyId=a&keyId=b&apiId=a&apiId=b&permissionId=a&permissionId=b&roleId=a&roleId=b'), 400);
    }
  });

  it('refuses bad createKey fields with 400 naming the field', async () => {
    const deepMeta = (levels: number) => {
      let m: Record<string, unknown> = { leaf: true };
      for (let i = 0; i < levels; i++) m = { m };
      return m;
    };
    const cases: [Record<string, unknown>, string][] = [
      [{ byteLength: 15 }, 'byteLength'],
      [{ byteLength: 256 }, 'byteLength'],
      [{ byteLength: '16' }, 'byteLength'],
      [{ prefix: 'has-dash' }, 'prefix'],
      [{ prefix: 'has space' }, 'prefix'],
      [{ prefix: 'ключ' }, 'prefix'],
      [{ prefix: 'seventeen_chars_x' }, 'prefix'],
      [{ prefix: 42 }, 'prefix'],
      [{ remaining: 10, refill: { interval: 'monthly', amount: 10, refillDay: 0 } }, 'refill.refillDay'],
      [{ remaining: 10, refill: { interval: 'monthly', amount: 10, refillDay: 32 } }, 'refill.refillDay'],
      [{ remaining: 10, refill: { interval: 'weekly', amount: 10 } }, 'refill.interval'],
      [{ remaining: 10, refill: { interval: 'daily', amount: 0 } }, 'refill.amount'],
      [{ refill: { interval: 'daily', amount: 10 } }, 'refill'],
      [{ remaining: -1 }, 'remaining'],
      [{ remaining: 1.5 }, 'remaining'],
      [{ remaining: 2 ** 31 }, 'remaining'],
      [{ expires: Date.now() - 1000 }, 'expires'],
      [{ expires: 1e20 }, 'expires'],
      [{ expires: '2030-01-01' }, 'expires'],
      [{ ratelimit: { limit: 10 } }, 'ratelimit.duration'],
      [{ ratelimit: { limit: 10, duration: 10 } }, 'ratelimit.duration'],
      [{ ratelimit: { limit: 0, duration: 60_000 } }, 'ratelimit.limit'],
      [{ ratelimit: { type: 'slow', limit: 1, duration: 60_000 } }, 'ratelimit.type'],
      [{ permissions: Array.from({ length: 101 }, (_, i) => `p${i}`) }, 'permissions'],
      [{ permissions: Array.from({ length: 10_000 }, () => 'p') }, 'permissions'],
      [{ permissions: ['has space'] }, 'permissions'],
      [{ permissions: 'single' }, 'permissions'],
      [{ roles: [42] }, 'roles'],
      [{ meta: deepMeta(20) }, 'meta'],
      [{ meta: ['not', 'an', 'object'] }, 'meta'],
      [{ meta: { blob: 'x'.repeat(20_000) } }, 'meta'],
      [{ name: 'n'.repeat(201) }, 'name'],
      [{ ownerId: 7 }, 'ownerId'],
      [{ enabled: 'yes' }, 'enabled'],
      [{ recoverable: true }, 'recoverable'],
      [{ apiId: 12 }, 'apiId'],
    ];
    for (const [body, field] of cases) expectUnkeyError(await post('keys.createKey', { apiId, ...body }), 400, field);

    // Nested far deeper than JSON.stringify could write back, yet inside the body limit.
    const levels = 15_000;
    const raw = `{"apiId":"${apiId}","meta":${'{"m":'.repeat(levels)}1${'}'.repeat(levels)}}`;
    expectUnkeyError(await call(s.url, 'POST', '/v1/keys.createKey', { headers: auth, raw }), 400, 'meta');

    expectUnkeyError(await post('keys.createKey', { apiId: 'api_missing' }), 404);
    expectUnkeyError(await post('keys.createKey', { apiId, roles: ['no-such-role'] }), 404, 'no-such-role');
    expectUnkeyError(await post('keys.createKey', { apiId, meta: { blob: 'x'.repeat(200_000) } }), 413);

    // Unkey drops refillDay on daily refills rather than refusing it.
    const daily = await post('keys.createKey', { apiId, remaining: 5, refill: { interval: 'daily', amount: 5, refillDay: 3 } });
    expect(daily.status).toBe(200);
    secrets.push(daily.body.key);
    const got = await get('keys.getKey', `keyId=${daily.body.keyId}`);
    expect(got.body.refill).toEqual({ interval: 'daily', amount: 5, lastRefillAt: expect.any(Number) });
  });

  it('refuses bad fields on the other routes', async () => {
    const cases: [string, unknown, number, string?][] = [
      ['keys.updateKey', { keyId, remaining: -5 }, 400, 'remaining'],
      ['keys.updateKey', { keyId, refill: { interval: 'monthly', amount: 1, refillDay: 32 } }, 400, 'refill.refillDay'],
      ['keys.updateKey', { keyId, remaining: null, refill: { interval: 'daily', amount: 3 } }, 400, 'refill'],
      ['keys.updateKey', { keyId, expires: 1 }, 400, 'expires'],
      ['keys.updateKey', { keyId, permissions: [{}] }, 400, 'permissions'],
      ['keys.updateKey', { keyId: 'key_missing', name: 'x' }, 404],
      ['keys.updateRemaining', { keyId, op: 'multiply', value: 2 }, 400, 'op'],
      ['keys.updateRemaining', { keyId, op: 'set', value: 1.5 }, 400, 'value'],
      ['keys.updateRemaining', { keyId, op: 'set', value: -1 }, 400, 'value'],
      ['keys.updateRemaining', { keyId, op: 'increment', value: null }, 400, 'value'],
      ['keys.updateRemaining', { keyId, op: 'increment' }, 400, 'value'],
      ['keys.addPermissions', { keyId, permissions: [{ create: true }] }, 400, 'permissions'],
      ['keys.addPermissions', { keyId, permissions: [{ name: 'bad name', create: true }] }, 400, 'permissions'],
      ['keys.addPermissions', { keyId, permissions: Array.from({ length: 101 }, (_, i) => ({ name: `p${i}`, create: true })) }, 400, 'permissions'],
      ['keys.addPermissions', { keyId, permissions: { name: 'x' } }, 400, 'permissions'],
      ['keys.setRoles', { keyId, roles: [{ id: 'role_missing' }] }, 404, 'role_missing'],
      ['keys.removeRoles', { keyId, roles: 'admin' }, 400, 'roles'],
      ['keys.deleteKey', { keyId, permanent: 'yes' }, 400, 'permanent'],
      ['apis.createApi', { name: '   ' }, 400, 'name'],
      ['apis.createApi', { name: 'n'.repeat(201) }, 400, 'name'],
      ['apis.deleteApi', { apiId: 'api_missing' }, 404],
      ['permissions.createPermission', { name: 'has space' }, 400, 'name'],
      ['permissions.createPermission', { name: 'ok', description: 'd'.repeat(1001) }, 400, 'description'],
      ['permissions.createRole', { name: 'ok.role', permissions: ['bad name'] }, 400, 'permissions'],
      ['permissions.deleteRole', { roleId: 'role_missing' }, 404],
      ['permissions.deletePermission', { permissionId: 42 }, 400, 'permissionId'],
    ];
    for (const [route, body, status, field] of cases) expectUnkeyError(await post(route, body), status, field);

    const queries: [string, string, number, string?][] = [
      ['keys.getKey', 'keyId=key_missing', 404],
      ['keys.getKey', `keyId=${keyId}&decrypt=maybe`, 400, 'decrypt'],
      ['keys.getVerifications', 'granularity=day', 400, 'keyId'],
      ['keys.getVerifications', `keyId=${keyId}&start=abc`, 400, 'start'],
      ['keys.getVerifications', `keyId=${keyId}&start=2000&end=1000`, 400, 'start'],
      ['keys.getVerifications', `keyId=${keyId}&start=0&end=99999999999999`, 400, 'start'],
      ['keys.getVerifications', `keyId=${keyId}&granularity=hour`, 400, 'granularity'],
      ['apis.listKeys', `apiId=${apiId}&limit=0`, 400, 'limit'],
      ['apis.listKeys', `apiId=${apiId}&limit=101`, 400, 'limit'],
      ['apis.listKeys', `apiId=${apiId}&limit=ten`, 400, 'limit'],
      ['apis.listKeys', `apiId=${apiId}&cursor=not-a-cursor`, 400, 'cursor'],
      ['apis.listKeys', 'apiId=api_missing', 404],
      ['permissions.getPermission', 'permissionId=perm_missing', 404],
    ];
    for (const [route, query, status, field] of queries) expectUnkeyError(await get(route, query), status, field);
  });

  it('protects the default API, where the other surfaces mint, from deletion', async () => {
    const orgKey = await call(s.url, 'POST', '/v1/api-keys', { headers: auth, body: { name: 'lives in the default api' } });
    secrets.push(orgKey.body.data.key);
    const { body } = await get('keys.getKey', `keyId=${orgKey.body.data.id}`);
    expectUnkeyError(await post('apis.deleteApi', { apiId: body.apiId }), 409, 'default');
  });

  it('never answered 500 and never logged a secret', () => {
    const logs = s.logs();
    expect(logs).not.toContain('"status":500');
    expect(logs).not.toContain('request failed');
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });
});
