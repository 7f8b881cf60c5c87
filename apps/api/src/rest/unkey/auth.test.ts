import { describeEachDb } from '@keyward/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bearer, call, signUp, uniqueEmail } from '../../test-support/http';
import { startTestServer, type TestServer } from '../../test-support/server';
import { joinAs, type SignedUp } from '../../test-support/team';
import { mintRootKey } from '../../test-support/unkey';

const unkeyError = (code: string) => ({
  error: {
    code,
    docs: `https://unkey.dev/docs/api-reference/errors/code/${code}`,
    message: expect.any(String),
    requestId: expect.stringMatching(/^req_/),
  },
});

describeEachDb('seed 04: Unkey root keys', (driver) => {
  let s: TestServer;
  let owner: SignedUp;
  let root: { id: string; key: string };
  let apiId: string;

  beforeAll(async () => {
    s = await startTestServer(driver, { KEYWARD_OPEN_SIGNUP: 'true', KEYWARD_ENCRYPTION_KEY: 'ab'.repeat(32) });
    owner = await signUp(s.url, uniqueEmail('owner'));
    root = await mintRootKey(s.url, owner.token);
    apiId = (await call(s.url, 'POST', '/v1/apis.createApi', { headers: bearer(root.key), body: { name: 'auth' } })).body.apiId;
  });
  afterAll(() => s.close());

  const createKey = (token: string | null, body: Record<string, unknown> = {}) =>
    call(s.url, 'POST', '/v1/keys.createKey', { headers: token ? bearer(token) : {}, body: { apiId, ...body } });

  it('answers 401 UNAUTHORIZED without a valid root key', async () => {
    expect(await createKey(null)).toMatchObject({ status: 401, body: unkeyError('UNAUTHORIZED') });
    expect(await createKey('garbage')).toMatchObject({ status: 401, body: unkeyError('UNAUTHORIZED') });
    const unknown = `${root.key.slice(0, -8)}AAAAAAAA`;
    expect((await createKey(unknown)).status).toBe(401);
    // A dashboard session is not a root key.
    expect(await createKey(owner.token)).toMatchObject({ status: 401, body: unkeyError('UNAUTHORIZED') });

    const doomed = await mintRootKey(s.url, owner.token);
    expect((await createKey(doomed.key)).status).toBe(200);
    expect((await call(s.url, 'DELETE', `/v1/api-keys/${doomed.id}`, { headers: bearer(owner.token) })).status).toBe(200);
    expect(await createKey(doomed.key)).toMatchObject({ status: 401, body: unkeyError('UNAUTHORIZED') });
  });

  it('answers 403 INSUFFICIENT_PERMISSIONS to a key whose scopes do not cover the route', async () => {
    const readOnly = await mintRootKey(s.url, owner.token, 'read');
    const created = await createKey(root.key, { name: 'visible' });
    const get = await call(s.url, 'GET', `/v1/keys.getKey?keyId=${created.body.keyId}`, { headers: bearer(readOnly.key) });
    expect(get).toMatchObject({ status: 200, body: { id: created.body.keyId, name: 'visible' } });
    expect((await call(s.url, 'GET', `/v1/apis.listKeys?apiId=${apiId}`, { headers: bearer(readOnly.key) })).status).toBe(200);

    expect(await createKey(readOnly.key)).toMatchObject({ status: 403, body: unkeyError('INSUFFICIENT_PERMISSIONS') });
    const writes: [string, unknown][] = [
      ['/v1/keys.updateKey', { keyId: created.body.keyId, name: 'x' }],
      ['/v1/keys.deleteKey', { keyId: created.body.keyId }],
      ['/v1/keys.updateRemaining', { keyId: created.body.keyId, op: 'set', value: 1 }],
      ['/v1/keys.addPermissions', { keyId: created.body.keyId, permissions: [{ name: 'a', create: true }] }],
      ['/v1/apis.createApi', { name: 'nope' }],
      ['/v1/permissions.createRole', { name: 'nope' }],
    ];
    for (const [path, body] of writes) {
      expect(await call(s.url, 'POST', path, { headers: bearer(readOnly.key), body })).toMatchObject({
        status: 403,
        body: unkeyError('INSUFFICIENT_PERMISSIONS'),
      });
    }

    // Keys minted for customers verify, but never act as root keys.
    const customer = created.body.key as string;
    expect((await call(s.url, 'POST', '/v1/keys.verifyKey', { body: { key: customer } })).body.valid).toBe(true);
    expect(await call(s.url, 'GET', `/v1/keys.getKey?keyId=${created.body.keyId}`, { headers: bearer(customer) })).toMatchObject({
      status: 403,
      body: unkeyError('INSUFFICIENT_PERMISSIONS'),
    });
  });

  it('keeps organizations apart and members to their own keys', async () => {
    const stranger = await signUp(s.url, uniqueEmail('stranger'));
    const strangerRoot = await mintRootKey(s.url, stranger.token);
    const mine = await createKey(root.key);
    expect((await call(s.url, 'GET', `/v1/keys.getKey?keyId=${mine.body.keyId}`, { headers: bearer(strangerRoot.key) })).body).toEqual(
      unkeyError('NOT_FOUND'),
    );
    expect((await createKey(strangerRoot.key)).status).toBe(404);
    expect((await call(s.url, 'GET', `/v1/apis.getApi?apiId=${apiId}`, { headers: bearer(strangerRoot.key) })).status).toBe(404);

    const member = await joinAs(s.url, owner.token, 'member');
    const memberRoot = await mintRootKey(s.url, member.token);
    expect((await call(s.url, 'POST', '/v1/apis.createApi', { headers: bearer(memberRoot.key), body: { name: 'x' } })).body).toEqual(
      unkeyError('FORBIDDEN'),
    );
    const own = await createKey(memberRoot.key);
    expect(own.status).toBe(200);
    expect((await call(s.url, 'GET', `/v1/keys.getKey?keyId=${own.body.keyId}`, { headers: bearer(memberRoot.key) })).status).toBe(200);
    expect((await call(s.url, 'GET', `/v1/keys.getKey?keyId=${mine.body.keyId}`, { headers: bearer(memberRoot.key) })).status).toBe(404);
  });

  it('shows a recoverable key again only when asked to decrypt', async () => {
    const created = await createKey(root.key, { recoverable: true });
    const plain = await call(s.url, 'GET', `/v1/keys.getKey?keyId=${created.body.keyId}`, { headers: bearer(root.key) });
    expect(plain.body).not.toHaveProperty('plaintext');
    const decrypted = await call(s.url, 'GET', `/v1/keys.getKey?keyId=${created.body.keyId}&decrypt=true`, { headers: bearer(root.key) });
    expect(decrypted.body.plaintext).toBe(created.body.key);
    const listed = await call(s.url, 'GET', `/v1/apis.listKeys?apiId=${apiId}`, { headers: bearer(root.key) });
    expect(listed.text).not.toContain(created.body.key);
  });

  it('answers unknown Unkey paths in Unkey’s shape and leaves the other /v1 surfaces alone', async () => {
    expect(await call(s.url, 'POST', '/v1/keys.nope', { headers: bearer(root.key), body: {} })).toMatchObject({
      status: 404,
      body: unkeyError('NOT_FOUND'),
    });
    expect(await call(s.url, 'GET', '/v1/keys.createKey', { headers: bearer(root.key) })).toMatchObject({ status: 404, body: unkeyError('NOT_FOUND') });
    const orgKeys = await call(s.url, 'POST', '/v1/api-keys', { headers: bearer(owner.token), raw: '{oops' });
    expect(orgKeys).toMatchObject({ status: 400, body: { code: 400, data: null } });
  });
});
