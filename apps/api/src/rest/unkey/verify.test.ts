import { describeEachDb } from '@keyward/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call } from '../../test-support/http';
import type { TestServer } from '../../test-support/server';
import { startUnkeyServer, unkeyClient } from '../../test-support/unkey';

describeEachDb('seed 04: keys.verifyKey', (driver) => {
  let s: TestServer;
  let rootKey: string;
  let apiId: string;
  const secrets: string[] = [];

  beforeAll(async () => {
    ({ server: s, rootKey, apiId } = await startUnkeyServer(driver, 'verify'));
    secrets.push(rootKey);
  });
  afterAll(() => s.close());

  async function createKey(body: Record<string, unknown>) {
    const r = await call(s.url, 'POST', '/v1/keys.createKey', { headers: { Authorization: `Bearer ${rootKey}` }, body: { apiId, ...body } });
    expect(r.status).toBe(200);
    secrets.push(r.body.key);
    return r.body as { keyId: string; key: string };
  }

  const verify = (body: unknown, headers: Record<string, string> = {}) => call(s.url, 'POST', '/v1/keys.verifyKey', { body, headers });

  it('gives exactly `remaining` VALID answers to 200 concurrent verifications', async () => {
    const k = await createKey({ remaining: 50, ratelimit: { limit: 1000, duration: 60_000 } });
    const answers = await Promise.all(Array.from({ length: 200 }, () => verify({ key: k.key })));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const codes = answers.map((a) => a.body.code as string);
    expect(codes.filter((c) => c === 'VALID')).toHaveLength(50);
    expect(codes.filter((c) => c === 'USAGE_EXCEEDED')).toHaveLength(150);
    // Every VALID answer saw a different count left: no use was handed out twice.
    const left = answers.filter((a) => a.body.valid).map((a) => a.body.remaining as number);
    expect(new Set(left).size).toBe(50);
    expect(Math.min(...left)).toBe(0);
    const got = await call(s.url, 'GET', `/v1/keys.getKey?keyId=${k.keyId}`, { headers: { Authorization: `Bearer ${rootKey}` } });
    expect(got.body.remaining).toBe(0);
  });

  it('needs no root key, and ignores whatever the SDK sends as one', async () => {
    const k = await createKey({});
    expect((await verify({ key: k.key })).body).toMatchObject({ valid: true, code: 'VALID' });
    expect((await verify({ key: k.key }, { Authorization: 'Bearer not-a-root-key' })).body.code).toBe('VALID');
    // The SDK's own standalone helper sends rootKey "public".
    const sdk = unkeyClient(s.url, 'public');
    expect((await sdk.keys.verify({ key: k.key })).result?.code).toBe('VALID');
  });

  it('deducts remaining.cost, and a cost of 0 checks without using', async () => {
    const k = await createKey({ remaining: 10, ratelimit: { limit: 100, duration: 60_000 } });
    expect((await verify({ key: k.key, remaining: { cost: 4 } })).body).toMatchObject({ code: 'VALID', remaining: 6 });
    expect((await verify({ key: k.key, remaining: { cost: 0 } })).body).toMatchObject({ code: 'VALID', remaining: 6 });
    expect((await verify({ key: k.key, remaining: { cost: 7 } })).body).toMatchObject({ code: 'USAGE_EXCEEDED', remaining: 0 });
    expect((await verify({ key: k.key, remaining: { cost: 6 } })).body).toMatchObject({ code: 'VALID', remaining: 0 });
    // Nothing left: even a free check says so.
    expect((await verify({ key: k.key, remaining: { cost: 0 } })).body.code).toBe('USAGE_EXCEEDED');
  });

  it('checks named ratelimits with their costs, "default" being the key’s own', async () => {
    const k = await createKey({ ratelimit: { limit: 10, duration: 60_000 } });
    const tokens = { name: 'tokens', limit: 100, duration: 60_000 };
    const r1 = await verify({ key: k.key, ratelimits: [{ name: 'default', cost: 2 }, { ...tokens, cost: 60 }] });
    expect(r1.body).toMatchObject({ code: 'VALID', ratelimit: { limit: 10, remaining: 8 } });
    const r2 = await verify({ key: k.key, ratelimits: [{ name: 'default' }, { ...tokens, cost: 60 }] });
    expect(r2.body).toMatchObject({ valid: false, code: 'RATE_LIMITED', ratelimit: { limit: 100, remaining: 40 } });
    // The deprecated single-limit cost.
    const r3 = await verify({ key: k.key, ratelimit: { cost: 3 } });
    expect(r3.body).toMatchObject({ code: 'VALID', ratelimit: { limit: 10 } });

    const unknownName = await verify({ key: k.key, ratelimits: [{ name: 'tokens' }] });
    expect(unknownName.status).toBe(400);
    expect(unknownName.body.error).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('ratelimits[0]') });
  });

  it('refuses malformed requests with 400 in Unkey’s shape, and bounds permission queries', async () => {
    const k = await createKey({ permissions: ['a'] });
    let deep: unknown = 'a';
    for (let i = 0; i < 9; i++) deep = { and: [deep] };
    let ok: unknown = 'a';
    for (let i = 0; i < 8; i++) ok = { or: [ok] };
    const wide = { or: Array.from({ length: 300 }, (_, i) => `p${i}`) };

    expect((await verify({ key: k.key, authorization: { permissions: ok } })).body.code).toBe('VALID');
    expect((await verify({ key: k.key, authorization: { permissions: null } })).body.code).toBe('VALID');
    const cases: [unknown, string][] = [
      [{ key: k.key, authorization: { permissions: deep } }, 'authorization.permissions'],
      [{ key: k.key, authorization: { permissions: wide } }, 'authorization.permissions'],
      [{ key: k.key, authorization: { permissions: { and: ['a'], or: ['b'] } } }, 'authorization.permissions'],
      [{ key: k.key, authorization: { permissions: 42 } }, 'authorization.permissions'],
      [{ key: 42 }, 'key'],
      [{}, 'key'],
      [{ key: '' }, 'key'],
      [{ key: k.key, apiId: 7 }, 'apiId'],
      [{ key: k.key, remaining: { cost: -1 } }, 'remaining.cost'],
      [{ key: k.key, remaining: { cost: 1.5 } }, 'remaining.cost'],
      [{ key: k.key, ratelimits: [{ name: 'default', cost: -2 }] }, 'ratelimits[0]'],
      [{ key: k.key, ratelimits: [{ name: 'x', limit: 0, duration: 1000 }] }, 'ratelimits[0]'],
      [{ key: k.key, ratelimits: Array.from({ length: 17 }, () => ({ name: 'default' })) }, 'ratelimits'],
      [{ key: k.key, tags: Array.from({ length: 1000 }, () => 't') }, 'tags'],
      ['a string', ''],
      [[k.key], ''],
    ];
    for (const [body, field] of cases) {
      const r = await verify(body);
      expect(r.status, JSON.stringify(body).slice(0, 100)).toBe(400);
      expect(r.body.error).toEqual({
        code: 'BAD_REQUEST',
        docs: 'https://unkey.dev/docs/api-reference/errors/code/BAD_REQUEST',
        message: expect.stringContaining(field),
        requestId: expect.stringMatching(/^req_/),
      });
    }
    // Nested deeper than JSON.stringify could ever write back, within the body limit.
    const levels = 8000;
    const hostile = `{"key":"${k.key}","authorization":{"permissions":${'{"and":['.repeat(levels)}"a"${']}'.repeat(levels)}}}`;
    const tooDeep = await call(s.url, 'POST', '/v1/keys.verifyKey', { raw: hostile });
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.body.error.message).toMatch(/nested deeper than 8/);

    const malformed = await call(s.url, 'POST', '/v1/keys.verifyKey', { raw: '{"key": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('BAD_REQUEST');
    const huge = await call(s.url, 'POST', '/v1/keys.verifyKey', { body: { key: 'x'.repeat(200_000) } });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('BAD_REQUEST');
  });

  it('never logs a verified secret', () => {
    for (const secret of secrets) expect(s.logs()).not.toContain(secret);
  });
});
