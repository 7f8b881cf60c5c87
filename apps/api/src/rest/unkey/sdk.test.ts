import type { Unkey } from '@unkey/api';
import { describeEachDb } from '@keyward/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signUp } from '../../test-support/http';
import { startTestServer, type TestServer } from '../../test-support/server';
import { mintRootKey, unkeyClient } from '../../test-support/unkey';

/** The SDK answers `{result}` or `{error}`; a test wants the result or a clear failure. */
function ok<T>(r: { result?: T; error?: { code: string; message: string } }): T {
  if (r.error || r.result === undefined) throw new Error(`Unkey call failed: ${JSON.stringify(r.error)}`);
  return r.result;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeEachDb('seed 04: Unkey v1 through the official SDK', (driver) => {
  let s: TestServer;
  let unkey: Unkey;
  let apiId: string;
  let otherApiId: string;
  const secrets: string[] = [];

  beforeAll(async () => {
    s = await startTestServer(driver);
    const owner = await signUp(s.url);
    const root = await mintRootKey(s.url, owner.token);
    secrets.push(root.key);
    unkey = unkeyClient(s.url, root.key);
    apiId = ok(await unkey.apis.create({ name: 'payments' })).apiId;
    otherApiId = ok(await unkey.apis.create({ name: 'search' })).apiId;
  });
  afterAll(() => s.close());

  async function createKey(body: Partial<Parameters<Unkey['keys']['create']>[0]> = {}) {
    const created = ok(await unkey.keys.create({ apiId, ...body }));
    secrets.push(created.key);
    return created;
  }

  it('round-trips a key created with every field of the seed', async () => {
    expect(ok(await unkey.apis.get({ apiId }))).toEqual({ id: apiId, workspaceId: expect.stringMatching(/^org_/), name: 'payments' });
    ok(await unkey.permissions.createRole({ name: 'admin' }));
    ok(await unkey.permissions.createRole({ name: 'finance' }));

    const expires = Date.now() + 3_600_000;
    const created = await createKey({
      prefix: 'acme_live',
      name: 'my key',
      byteLength: 24,
      ownerId: 'team_123',
      externalId: 'team_123',
      meta: { billingTier: 'PRO', trialEnds: '2023-06-16T17:16:37.161Z' },
      roles: ['admin', 'finance'],
      permissions: ['domains.create_record', 'say_hello'],
      expires,
      remaining: 1000,
      refill: { interval: 'monthly', amount: 100, refillDay: 15 },
      ratelimit: { type: 'fast', limit: 10, duration: 60_000 },
      enabled: false,
      recoverable: false,
      environment: 'test',
    });
    expect(created.keyId).toMatch(/^key_/);
    expect(created.key).toMatch(/^acme_live_[0-9A-Za-z]{39}$/);

    // Created disabled, as in the seed.
    expect(ok(await unkey.keys.verify({ key: created.key }))).toMatchObject({ valid: false, code: 'DISABLED', keyId: created.keyId });

    ok(await unkey.keys.update({ keyId: created.keyId, enabled: true, name: 'renamed', meta: { billingTier: 'ENTERPRISE' } }));
    const verified = ok(await unkey.keys.verify({ key: created.key, apiId }));
    expect(verified).toEqual({
      keyId: created.keyId,
      valid: true,
      code: 'VALID',
      name: 'renamed',
      ownerId: 'team_123',
      meta: { billingTier: 'ENTERPRISE' },
      expires,
      ratelimit: { limit: 10, remaining: 9, reset: expect.any(Number) },
      remaining: 999,
      enabled: true,
      permissions: ['domains.create_record', 'say_hello'],
      roles: ['admin', 'finance'],
      environment: 'test',
      requestId: expect.stringMatching(/^req_/),
    });

    const got = ok(await unkey.keys.get({ keyId: created.keyId }));
    expect(got).toEqual({
      id: created.keyId,
      start: created.key.slice(0, 'acme_live_'.length + 4),
      workspaceId: expect.stringMatching(/^org_/),
      apiId,
      name: 'renamed',
      ownerId: 'team_123',
      meta: { billingTier: 'ENTERPRISE' },
      createdAt: expect.any(Number),
      updatedAt: expect.any(Number),
      expires,
      remaining: 999,
      refill: { interval: 'monthly', amount: 100, refillDay: 15, lastRefillAt: expect.any(Number) },
      ratelimit: { async: true, type: 'fast', limit: 10, duration: 60_000, refillRate: 10, refillInterval: 60_000 },
      roles: ['admin', 'finance'],
      permissions: ['domains.create_record', 'say_hello'],
      enabled: true,
    });
    expect(JSON.stringify(got)).not.toContain(created.key);
  });

  it('reaches every verification code with 200', async () => {
    const codeOf = async (body: Parameters<Unkey['keys']['verify']>[0]) => ok(await unkey.keys.verify(body)).code;

    const plain = await createKey({ permissions: ['read'] });
    expect(await codeOf({ key: plain.key })).toBe('VALID');
    expect(await codeOf({ key: 'not a key at all' })).toBe('NOT_FOUND');
    expect(await codeOf({ key: `${plain.key.slice(0, -1)}${plain.key.endsWith('A') ? 'B' : 'A'}` })).toBe('NOT_FOUND');
    expect(await codeOf({ key: plain.key, apiId: otherApiId })).toBe('FORBIDDEN');
    expect(await codeOf({ key: plain.key, authorization: { permissions: 'write' } })).toBe('INSUFFICIENT_PERMISSIONS');
    expect(await codeOf({ key: plain.key, authorization: { permissions: { or: ['write', 'read'] } } })).toBe('VALID');

    const disabled = await createKey({ enabled: false });
    expect(await codeOf({ key: disabled.key })).toBe('DISABLED');

    const once = await createKey({ remaining: 1 });
    expect(ok(await unkey.keys.verify({ key: once.key }))).toMatchObject({ code: 'VALID', remaining: 0 });
    expect(ok(await unkey.keys.verify({ key: once.key }))).toMatchObject({ valid: false, code: 'USAGE_EXCEEDED', remaining: 0 });

    const limited = await createKey({ ratelimit: { type: 'fast', limit: 1, duration: 60_000 } });
    expect(await codeOf({ key: limited.key })).toBe('VALID');
    expect(ok(await unkey.keys.verify({ key: limited.key }))).toMatchObject({ code: 'RATE_LIMITED', ratelimit: { limit: 1, remaining: 0 } });

    const shortLived = await createKey({ expires: Date.now() + 1000 });
    await sleep(1100);
    expect(await codeOf({ key: shortLived.key })).toBe('EXPIRED');

    const deleted = await createKey();
    ok(await unkey.keys.delete({ keyId: deleted.keyId }));
    expect(ok(await unkey.keys.verify({ key: deleted.key }))).toEqual({ valid: false, code: 'NOT_FOUND', requestId: expect.any(String) });
  });

  it('updates every updatable field and clears the nullable ones', async () => {
    const k = await createKey({ name: 'before', remaining: 5, refill: { interval: 'daily', amount: 5 }, ratelimit: { limit: 3, duration: 1000 } });
    ok(
      await unkey.keys.update({
        keyId: k.keyId,
        name: 'after',
        ownerId: 'owner_1',
        externalId: 'ext_1',
        meta: { plan: 'pro' },
        expires: Date.now() + 60_000,
        ratelimit: { async: false, limit: 50, duration: 10_000 },
        refill: { interval: 'monthly', amount: 20, refillDay: 31 },
        remaining: 20,
        enabled: true,
      }),
    );
    expect(ok(await unkey.keys.get({ keyId: k.keyId }))).toMatchObject({
      name: 'after',
      ownerId: 'owner_1',
      meta: { plan: 'pro' },
      remaining: 20,
      refill: { interval: 'monthly', amount: 20, refillDay: 31 },
      ratelimit: { async: false, type: 'consistent', limit: 50, duration: 10_000 },
    });

    ok(await unkey.keys.update({ keyId: k.keyId, name: null, ownerId: null, externalId: null, meta: null, expires: null, ratelimit: null, refill: null, remaining: null }));
    const cleared = ok(await unkey.keys.get({ keyId: k.keyId }));
    for (const field of ['name', 'ownerId', 'meta', 'expires', 'ratelimit', 'refill', 'remaining']) expect(cleared).not.toHaveProperty(field);

    // The deprecated token-bucket form: refillInterval is the window.
    ok(await unkey.keys.update({ keyId: k.keyId, ratelimit: { type: 'fast', limit: 7, refillRate: 7, refillInterval: 5000 } }));
    expect(ok(await unkey.keys.get({ keyId: k.keyId })).ratelimit).toMatchObject({ limit: 7, duration: 5000 });
  });

  it('sets, increments and decrements remaining atomically and never below zero', async () => {
    const k = await createKey({ remaining: 10 });
    expect(ok(await unkey.keys.updateRemaining({ keyId: k.keyId, op: 'increment', value: 5 }))).toEqual({ remaining: 15 });
    expect(ok(await unkey.keys.updateRemaining({ keyId: k.keyId, op: 'decrement', value: 3 }))).toEqual({ remaining: 12 });
    expect(ok(await unkey.keys.updateRemaining({ keyId: k.keyId, op: 'decrement', value: 100 }))).toEqual({ remaining: 0 });
    expect(ok(await unkey.keys.verify({ key: k.key })).code).toBe('USAGE_EXCEEDED');
    expect(ok(await unkey.keys.updateRemaining({ keyId: k.keyId, op: 'set', value: 2 }))).toEqual({ remaining: 2 });
    expect(ok(await unkey.keys.verify({ key: k.key }))).toMatchObject({ code: 'VALID', remaining: 1 });
    expect(ok(await unkey.keys.updateRemaining({ keyId: k.keyId, op: 'set', value: null }))).toEqual({ remaining: null });
    expect(ok(await unkey.keys.verify({ key: k.key }))).not.toHaveProperty('remaining');

    const inc = await unkey.keys.updateRemaining({ keyId: k.keyId, op: 'increment', value: 1 });
    expect(inc.error).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/unlimited/) });

    const parallel = await createKey({ remaining: 0 });
    await Promise.all(Array.from({ length: 20 }, () => unkey.keys.updateRemaining({ keyId: parallel.keyId, op: 'increment', value: 1 })));
    expect(ok(await unkey.keys.get({ keyId: parallel.keyId })).remaining).toBe(20);
  });

  it('manages a key’s permissions and roles, and verification follows at once', async () => {
    const roleId = ok(await unkey.permissions.createRole({ name: 'dns.admin', description: 'all of dns' })).roleId;
    const recordsId = ok(await unkey.permissions.createPermission({ name: 'dns.record.update', description: 'edit records' })).permissionId;
    expect(ok(await unkey.permissions.getPermission({ permissionId: recordsId }))).toEqual({
      id: recordsId,
      name: 'dns.record.update',
      slug: 'dns.record.update',
      description: 'edit records',
    });
    expect(ok(await unkey.permissions.getRole({ roleId }))).toEqual({ id: roleId, name: 'dns.admin', description: 'all of dns' });

    const k = await createKey();
    const need = { and: ['dns.record.update', 'dns.record.read'] };
    const check = async () => ok(await unkey.keys.verify({ key: k.key, authorization: { permissions: need } })).code;

    const added = ok(await unkey.keys.addPermissions({ keyId: k.keyId, permissions: [{ id: recordsId }, { name: 'dns.record.read', create: true }] }));
    expect(added.map((p) => p.name)).toEqual(['dns.record.read', 'dns.record.update']);
    expect(await check()).toBe('VALID');

    const missing = await unkey.keys.addPermissions({ keyId: k.keyId, permissions: [{ name: 'never.created' }] });
    expect(missing.error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('never.created') });

    ok(await unkey.keys.removePermissions({ keyId: k.keyId, permissions: [{ slug: 'dns.record.read' }] }));
    expect(await check()).toBe('INSUFFICIENT_PERMISSIONS');

    const set = ok(await unkey.keys.setPermissions({ keyId: k.keyId, permissions: [{ name: 'dns.record.read' }] }));
    expect(set.map((p) => p.name)).toEqual(['dns.record.read']);

    // The role carries nothing yet; roles created with permissions carry them.
    const editorId = ok(await unkey.permissions.createRole({ name: 'dns.editor', permissions: ['dns.record.update'] } as Parameters<Unkey['permissions']['createRole']>[0])).roleId;
    const roles = ok(await unkey.keys.addRoles({ keyId: k.keyId, roles: [{ id: editorId }, { name: 'dns.admin' }] }));
    expect(roles.map((r) => r.name)).toEqual(['dns.admin', 'dns.editor']);
    expect(await check()).toBe('VALID');
    expect(ok(await unkey.keys.verify({ key: k.key })).roles).toEqual(['dns.admin', 'dns.editor']);

    expect(ok(await unkey.keys.setRoles({ keyId: k.keyId, roles: [{ name: 'dns.viewer', create: true }] })).map((r) => r.name)).toEqual(['dns.viewer']);
    expect(await check()).toBe('INSUFFICIENT_PERMISSIONS');
    ok(await unkey.keys.removeRoles({ keyId: k.keyId, roles: [{ name: 'dns.viewer' }] }));
    expect(ok(await unkey.keys.get({ keyId: k.keyId })).roles).toEqual([]);

    // Updating through updateKey replaces both kinds.
    ok(await unkey.keys.update({ keyId: k.keyId, roles: [{ id: editorId }], permissions: [{ name: 'dns.record.read' }] }));
    expect(await check()).toBe('VALID');

    // Deleting a permission or role takes it away from keys holding it, at once.
    ok(await unkey.permissions.deletePermission({ permissionId: recordsId }));
    expect(await check()).toBe('INSUFFICIENT_PERMISSIONS');
    ok(await unkey.permissions.deleteRole({ roleId: editorId }));
    expect(ok(await unkey.keys.get({ keyId: k.keyId })).roles).toEqual([]);
    expect((await unkey.permissions.getRole({ roleId: editorId })).error?.code).toBe('NOT_FOUND');

    const names = ok(await unkey.permissions.listPermissions()).map((p) => p.name);
    expect(names).toContain('dns.record.read');
    expect(names).not.toContain('dns.record.update');
    expect(ok(await unkey.permissions.listRoles()).map((r) => r.name)).toContain('dns.admin');
    expect((await unkey.permissions.createRole({ name: 'dns.admin' })).error?.code).toBe('CONFLICT');
  });

  it('lists an API’s keys page by page with owner filters and a total', async () => {
    const listApi = ok(await unkey.apis.create({ name: 'listing' })).apiId;
    const ids: string[] = [];
    for (const ownerId of ['alice', 'alice', 'bob']) ids.push(ok(await unkey.keys.create({ apiId: listApi, ownerId })).keyId);
    const revoked = ok(await unkey.keys.create({ apiId: listApi }));
    ok(await unkey.keys.delete({ keyId: revoked.keyId }));

    const first = ok(await unkey.apis.listKeys({ apiId: listApi, limit: 2 }));
    expect(first.total).toBe(3);
    expect(first.keys).toHaveLength(2);
    expect(first.cursor).toEqual(expect.any(String));
    const second = ok(await unkey.apis.listKeys({ apiId: listApi, limit: 2, cursor: first.cursor as string }));
    expect(second.keys).toHaveLength(1);
    expect(second.cursor).toBeUndefined();
    expect([...first.keys, ...second.keys].map((k) => k.id).sort()).toEqual([...ids].sort());

    const alice = ok(await unkey.apis.listKeys({ apiId: listApi, ownerId: 'alice' }));
    expect(alice.keys.map((k) => k.ownerId)).toEqual(['alice', 'alice']);
    expect(alice.total).toBe(2);
  });

  it('reports daily verification counts from the flushed usage', async () => {
    const k = await createKey({ remaining: 2 });
    for (let i = 0; i < 3; i++) await unkey.keys.verify({ key: k.key });
    await s.services.usage.flush();
    const { verifications } = ok(await unkey.keys.getVerifications({ keyId: k.keyId }));
    expect(verifications).toEqual([{ time: expect.any(Number), success: 2, rateLimited: 0, usageExceeded: 1 }]);
    expect(verifications[0]?.time).toBe(Math.floor(Date.now() / 86_400_000) * 86_400_000);
  });

  it('deletes keys softly or permanently, and deleting an API ends all of its keys', async () => {
    const soft = await createKey();
    ok(await unkey.keys.delete({ keyId: soft.keyId }));
    expect((await unkey.keys.get({ keyId: soft.keyId })).error?.code).toBe('NOT_FOUND');
    expect((await unkey.keys.delete({ keyId: soft.keyId })).error?.code).toBe('NOT_FOUND');

    const hard = await createKey();
    ok(await unkey.keys.delete({ keyId: hard.keyId, permanent: true }));
    expect(ok(await unkey.keys.verify({ key: hard.key })).code).toBe('NOT_FOUND');

    const doomedApi = ok(await unkey.apis.create({ name: 'doomed' })).apiId;
    const inDoomed = ok(await unkey.keys.create({ apiId: doomedApi }));
    secrets.push(inDoomed.key);
    expect(ok(await unkey.keys.verify({ key: inDoomed.key })).code).toBe('VALID');
    ok(await unkey.apis.delete({ apiId: doomedApi }));
    expect(ok(await unkey.keys.verify({ key: inDoomed.key })).code).toBe('NOT_FOUND');
    expect((await unkey.apis.get({ apiId: doomedApi })).error?.code).toBe('NOT_FOUND');
    expect((await unkey.keys.create({ apiId: doomedApi })).error?.code).toBe('NOT_FOUND');
  });

  it('never writes a secret to the log', () => {
    const logs = s.logs();
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });
});
