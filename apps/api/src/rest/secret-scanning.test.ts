import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { generateKey } from '@keyward/core';
import { auditLog, organizations } from '@keyward/db';
import { describeEachDb } from '@keyward/db/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../env';
import { bearer, call, signUp, uniqueEmail } from '../test-support/http';
import { startTestServer, type TestServer } from '../test-support/server';
import { mintRootKey } from '../test-support/unkey';

const PATH = '/v1/secret-scanning/github';
const KEY_ID = 'bcb53661c06b4728e59d897fb6165d5c9cda0fd9cdf9d09ead458168deb7518c';

const pair = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const github = pair();
const impostor = pair();

/** What GitHub sends: base64 DER ECDSA-SHA256 over the raw body. */
const signBody = (raw: string, key: KeyObject = github.privateKey) => sign('sha256', Buffer.from(raw), key).toString('base64');

const report = (tokens: string[]) =>
  JSON.stringify(tokens.map((token) => ({ token, type: 'keyward_api_key', url: 'https://github.com/octo/leaky/blob/main/.env#L3', source: 'content' })));

describeEachDb('secret scanning: GitHub partner reports', (driver) => {
  let s: TestServer;
  let ownerToken: string;
  let rootKey: string;
  let apiId: string;
  const secrets: string[] = [];

  beforeAll(async () => {
    s = await startTestServer(driver, {
      KEYWARD_OPEN_SIGNUP: 'true',
      KEYWARD_SECRET_SCANNING_KEYS: JSON.stringify([{ key_identifier: KEY_ID, key: github.publicKey.export({ type: 'spki', format: 'pem' }) }]),
    });
    ownerToken = (await signUp(s.url, uniqueEmail('leaky'))).token;
    rootKey = (await mintRootKey(s.url, ownerToken)).key;
    secrets.push(rootKey);
    apiId = (await call(s.url, 'POST', '/v1/apis.createApi', { headers: bearer(rootKey), body: { name: 'leaks' } })).body.apiId;
  });
  afterAll(() => s.close());

  async function customerKey(root = rootKey, api = apiId) {
    const r = await call(s.url, 'POST', '/v1/keys.createKey', { headers: bearer(root), body: { apiId: api } });
    expect(r.status, r.text).toBe(200);
    secrets.push(r.body.key);
    return r.body as { keyId: string; key: string };
  }
  const verifyCode = async (key: string) => (await call(s.url, 'POST', '/v1/keys.verifyKey', { body: { key } })).body.code;
  const post = (raw: string, headers: Record<string, string>) => call(s.url, 'POST', PATH, { raw, headers });
  const signed = (raw: string) => post(raw, { 'Github-Public-Key-Identifier': KEY_ID, 'Github-Public-Key-Signature': signBody(raw) });
  const leakEntries = async (keyId: string) => (await s.handle.db.select().from(auditLog).where(eq(auditLog.keyId, keyId))).filter((e) => e.action === 'key.leaked');

  it('revokes a correctly reported key at once and labels it a true positive', async () => {
    const customer = await customerKey();
    const orgKey = await mintRootKey(s.url, ownerToken, 'read');
    secrets.push(orgKey.key);
    expect(await verifyCode(customer.key)).toBe('VALID');
    expect((await call(s.url, 'GET', '/v1/api-keys', { headers: bearer(orgKey.key) })).status).toBe(200);

    const r = await signed(report([customer.key, orgKey.key]));
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual([
      { token_raw: customer.key, token_type: 'keyward_api_key', label: 'true_positive' },
      { token_raw: orgKey.key, token_type: 'keyward_api_key', label: 'true_positive' },
    ]);
    expect(await verifyCode(customer.key)).toBe('NOT_FOUND');
    expect((await call(s.url, 'GET', '/v1/api-keys', { headers: bearer(orgKey.key) })).status).toBe(401);

    // Reported again: still ours, nothing left to revoke.
    expect((await signed(report([customer.key]))).body[0].label).toBe('true_positive');
    const entries = await leakEntries(customer.keyId);
    expect(entries.map((e) => e.metadata)).toEqual([
      expect.objectContaining({ outcome: 'revoked', policy: 'revoke', url: 'https://github.com/octo/leaky/blob/main/.env#L3', source: 'content' }),
      expect.objectContaining({ outcome: 'already_revoked' }),
    ]);
    expect(entries[0]).toMatchObject({ actorType: 'system', actorId: 'system' });
    const revokes = (await s.handle.db.select().from(auditLog).where(eq(auditLog.keyId, customer.keyId))).filter((e) => e.action === 'key.revoke');
    expect(revokes).toHaveLength(1);
  });

  it('rejects a wrong, missing or unknown signature, or a tampered body, and revokes nothing', async () => {
    const customer = await customerKey();
    const raw = report([customer.key]);
    const attempts: Record<string, string>[] = [
      {},
      { 'Github-Public-Key-Identifier': KEY_ID },
      { 'Github-Public-Key-Signature': signBody(raw) },
      { 'Github-Public-Key-Identifier': KEY_ID, 'Github-Public-Key-Signature': signBody(raw, impostor.privateKey) },
      { 'Github-Public-Key-Identifier': 'some-other-key', 'Github-Public-Key-Signature': signBody(raw) },
      { 'Github-Public-Key-Identifier': KEY_ID, 'Github-Public-Key-Signature': 'bm90IGEgc2lnbmF0dXJl' },
      { 'Github-Public-Key-Identifier': KEY_ID, 'Github-Public-Key-Signature': '%%%' },
    ];
    for (const headers of attempts) {
      const r = await post(raw, headers);
      expect(r.status, JSON.stringify(headers)).toBe(401);
      expect(r.body.error).toMatchObject({ code: 'UNAUTHORIZED', requestId: expect.any(String) });
    }
    // Signed, then changed in transit.
    const tampered = await post(report([customer.key, 'kw_extra']), { 'Github-Public-Key-Identifier': KEY_ID, 'Github-Public-Key-Signature': signBody(raw) });
    expect(tampered.status).toBe(401);
    expect(await verifyCode(customer.key)).toBe('VALID');
    expect(await leakEntries(customer.keyId)).toEqual([]);
  });

  it('answers a signed but malformed or oversized report with 400', async () => {
    for (const raw of ['{not json', '{"token": "x"}', '[{"token": 1, "type": "t", "url": "u", "source": "s"}]']) {
      const r = await signed(raw);
      expect(r.status, raw).toBe(400);
      expect(r.body.error.code).toBe('BAD_REQUEST');
    }
    const tooMany = await signed(report(Array.from({ length: 1001 }, (_, i) => `kw_${i}`)));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toMatch(/at most 1000/);
  });

  it('labels foreign and malformed tokens false positives among ours, each distinct token once', async () => {
    const customer = await customerKey();
    // Well-formed with a valid checksum, but never issued here.
    const foreign = generateKey({ prefix: 'kw' }).key;
    // One character changed (never to itself, or it would be a repeat of the key).
    const typo = `${customer.key.slice(0, -1)}${customer.key.endsWith('x') ? 'y' : 'x'}`;
    const r = await signed(report([foreign, 'ghp_notours', customer.key, '', customer.key, typo]));
    expect(r.status, r.text).toBe(200);
    expect(r.body.map((v: { label: string }) => v.label)).toEqual(['false_positive', 'false_positive', 'true_positive', 'false_positive', 'false_positive']);
    expect(r.body[2].token_raw).toBe(customer.key);
    expect(await verifyCode(customer.key)).toBe('NOT_FOUND');
  });

  it('only flags a leaked key when its organization’s policy is "flag"', async () => {
    const other = await signUp(s.url, uniqueEmail('flagging'));
    const otherRoot = await mintRootKey(s.url, other.token);
    secrets.push(otherRoot.key);
    const otherApi = (await call(s.url, 'POST', '/v1/apis.createApi', { headers: bearer(otherRoot.key), body: { name: 'flag' } })).body.apiId;
    const customer = await customerKey(otherRoot.key, otherApi);
    const [{ organizationId } = { organizationId: '' }] = await s.handle.db
      .select({ organizationId: auditLog.organizationId })
      .from(auditLog)
      .where(eq(auditLog.keyId, customer.keyId));
    const setPolicy = await call(s.url, 'POST', '/trpc/orgs.setLeakedKeyPolicy', { headers: bearer(other.token), body: { policy: 'flag' } });
    expect(setPolicy.status, setPolicy.text).toBe(200);
    const [org] = await s.handle.db.select({ policy: organizations.leakedKeyPolicy }).from(organizations).where(eq(organizations.id, organizationId));
    expect(org?.policy).toBe('flag');
    const bad = await call(s.url, 'POST', '/trpc/orgs.setLeakedKeyPolicy', { headers: bearer(other.token), body: { policy: 'ignore' } });
    expect(bad.status).toBe(400);

    const r = await signed(report([customer.key]));
    expect(r.body).toEqual([{ token_raw: customer.key, token_type: 'keyward_api_key', label: 'true_positive' }]);
    expect(await verifyCode(customer.key)).toBe('VALID');
    const entries = await leakEntries(customer.keyId);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ organizationId, metadata: expect.objectContaining({ outcome: 'flagged', policy: 'flag', source: 'content' }) });
  });

  it('never writes a reported token to the audit log or the log', async () => {
    const audit = JSON.stringify(await s.handle.db.select().from(auditLog));
    for (const secret of secrets) {
      expect(audit).not.toContain(secret);
      expect(s.logs()).not.toContain(secret);
    }
  });
});

describe('KEYWARD_SECRET_SCANNING_KEYS', () => {
  it('is parsed by key identifier, and a broken value stops startup', () => {
    const pem = github.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    expect(loadConfig({}).secretScanningKeys.size).toBe(0);
    expect(loadConfig({ KEYWARD_SECRET_SCANNING_KEYS: JSON.stringify([{ key_identifier: 'k1', key: pem }]) }).secretScanningKeys.get('k1')).toBe(pem);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' });
    for (const bad of ['not json', '{}', JSON.stringify([{ key_identifier: 'k1', key: 'not a pem' }]), JSON.stringify([{ key_identifier: 'k1', key: rsa }])]) {
      expect(() => loadConfig({ KEYWARD_SECRET_SCANNING_KEYS: bad }), bad).toThrow(ConfigError);
    }
  });
});
