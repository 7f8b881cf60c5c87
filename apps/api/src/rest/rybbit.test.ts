import { parseKey } from '@keyward/core';
import { describeEachDb } from '@keyward/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bearer, betterAuthCookie, call } from '../test-support/http';
import { startTestServer, type TestServer } from '../test-support/server';
import { type SignedUp, signUpTeam } from '../test-support/team';
import { trpcCall } from '../test-support/trpc';

const DAY_MS = 86_400_000;

describeEachDb('Rybbit user API keys (seeds 01, 02)', (driver) => {
  let s: TestServer;
  let team: Awaited<ReturnType<typeof signUpTeam>>;
  let stranger: SignedUp;

  /** Seed 01's curl command, host swapped. */
  const seedCreate = (token: string, raw = '{"name": "CI pipeline", "expiresIn": 2592000}') =>
    call(s.url, 'POST', '/api/user/api-keys', {
      headers: { Cookie: `better-auth.session_token=${token}`, 'Content-Type': 'application/json' },
      raw,
    });
  /** Seed 02's curl command, host swapped. */
  const seedDelete = (token: string, keyId: string) =>
    call(s.url, 'POST', '/api/auth/api-key/delete', {
      headers: { Cookie: `better-auth.session_token=${token}`, 'Content-Type': 'application/json' },
      raw: JSON.stringify({ keyId }),
    });
  const listWithKey = (headers: Record<string, string>) => call(s.url, 'GET', '/v1/api-keys', { headers });

  beforeAll(async () => {
    s = await startTestServer(driver, { KEYWARD_OPEN_SIGNUP: 'true' });
    team = await signUpTeam(s.url, 'acme');
    ({ owner: stranger } = await signUpTeam(s.url, 'globex'));
  });
  afterAll(() => s.close());

  it('answers the seed request with every documented field, typed and valued as documented', async () => {
    const before = Date.now();
    const r = await seedCreate(team.owner.token);
    const after = Date.now();
    expect(r.status).toBe(200);
    const k = r.body;
    expect(k).toEqual(
      expect.objectContaining({
        id: expect.any(String),
        key: expect.any(String),
        name: 'CI pipeline',
        start: expect.any(String),
        prefix: expect.stringMatching(/_$/),
        userId: team.owner.userId,
        enabled: true,
        expiresAt: expect.any(String),
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        rateLimitEnabled: true,
        rateLimitMax: 200,
        rateLimitTimeWindow: 60_000,
      }),
    );
    const parsed = parseKey(k.key);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(k.prefix).toBe(`${parsed.prefix}_`);
    expect(k.start).toBe(`${parsed.prefix}_${parsed.body.slice(0, 4)}`);
    expect(k.key.startsWith(k.start)).toBe(true);
    expect(k.key.length).toBeGreaterThan(k.start.length + 16);

    const expiresAt = Date.parse(k.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 30 * DAY_MS - 1000);
    expect(expiresAt).toBeLessThanOrEqual(after + 30 * DAY_MS + 1000);
    for (const field of ['createdAt', 'updatedAt'] as const) {
      expect(new Date(k[field]).toISOString()).toBe(k[field]);
      expect(Date.parse(k[field])).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(k[field])).toBeLessThanOrEqual(after + 1000);
    }
  });

  it('mints a key that authenticates on the REST API as Bearer and as x-api-key', async () => {
    const { body: k } = await seedCreate(team.owner.token);
    for (const headers of [bearer(k.key), { 'x-api-key': k.key }]) {
      const r = await listWithKey(headers);
      expect(r.status).toBe(200);
      expect(r.body.data.items.map((i: { id: string }) => i.id)).toContain(k.id);
    }
  });

  it('accepts no expiry, and refuses a bad expiresIn naming the field', async () => {
    const none = await seedCreate(team.owner.token, '{"name": "forever"}');
    expect(none.status).toBe(200);
    expect(none.body.expiresAt).toBeNull();
    for (const expiresIn of [0, -5, 1.5, '2592000', true]) {
      const r = await seedCreate(team.owner.token, JSON.stringify({ name: 'x', expiresIn }));
      expect(r.status).toBe(400);
      expect(r.body.error).toMatch(/expiresIn/);
    }
  });

  it('refuses an API key, however it is sent, with 401: a key cannot mint keys', async () => {
    const { body: k } = await seedCreate(team.owner.token);
    for (const headers of [bearer(k.key), { 'x-api-key': k.key }]) {
      const r = await call(s.url, 'POST', '/api/user/api-keys', { headers, body: { name: 'from a key' } });
      expect(r.status).toBe(401);
      expect(r.body.error).toMatch(/session/);
      const del = await call(s.url, 'POST', '/api/auth/api-key/delete', { headers, body: { keyId: k.id } });
      expect(del.status).toBe(401);
    }
    expect((await listWithKey(bearer(k.key))).status).toBe(200);
  });

  it('refuses callers without a valid session with 401', async () => {
    expect((await call(s.url, 'POST', '/api/user/api-keys', { body: { name: 'anon' } })).status).toBe(401);
    expect((await seedCreate('A'.repeat(43))).status).toBe(401);
    expect((await seedDelete('not-a-token', 'key_x')).status).toBe(401);
  });

  it('narrows a key with the optional permissions field', async () => {
    const r = await seedCreate(team.owner.token, JSON.stringify({ name: 'read only', permissions: ['keys:read'] }));
    expect(r.status).toBe(200);
    const headers = bearer(r.body.key);
    expect((await listWithKey(headers)).status).toBe(200);
    const write = await call(s.url, 'POST', '/v1/api-keys', { headers, body: { name: 'escalate' } });
    expect(write.status).toBe(403);
    expect(write.body.message).toMatch(/keys:write/);

    const bad = await seedCreate(team.owner.token, JSON.stringify({ name: 'x', permissions: ['Not A Scope'] }));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/permissions/);
  });

  it('revokes with the seed delete: {success:true}, and the key answers 401 on the very next request', async () => {
    const { body: k } = await seedCreate(team.member.token);
    // Used first, so any verification cache holds it as valid.
    expect((await listWithKey(bearer(k.key))).status).toBe(200);
    const del = await seedDelete(team.member.token, k.id);
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ success: true });
    expect((await listWithKey(bearer(k.key))).status).toBe(401);
    expect((await listWithKey({ 'x-api-key': k.key })).status).toBe(401);
  });

  it("answers 404 for another user's or another organization's key, and leaves it working", async () => {
    const { body: ownerKey } = await seedCreate(team.owner.token);
    const { body: strangerKey } = await seedCreate(stranger.token);
    const attempts: [string, string][] = [
      [team.admin.token, ownerKey.id],
      [team.member.token, ownerKey.id],
      [stranger.token, ownerKey.id],
      [team.owner.token, strangerKey.id],
      [team.owner.token, 'key_doesnotexist'],
    ];
    for (const [token, keyId] of attempts) {
      const r = await seedDelete(token, keyId);
      expect(r.status).toBe(404);
      expect(r.body).toEqual({ code: 'NOT_FOUND', message: 'Key not found' });
    }
    expect((await listWithKey(bearer(ownerKey.key))).status).toBe(200);
    expect((await listWithKey(bearer(strangerKey.key))).status).toBe(200);
  });

  it('refuses the free plan with 403 naming the plans that allow keys, and follows the plan rate limit', async () => {
    const owner = stranger.token;
    const setPlan = (plan: string) => trpcCall(s.url, 'mutation', 'orgs.setPlan', { plan }, bearer(owner));
    expect((await setPlan('free')).status).toBe(200);
    const refused = await seedCreate(owner);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatch(/Standard or Pro/);
    expect(refused.body.error).not.toMatch(/[A-Za-z0-9]+_[A-Za-z0-9]{20,}/);

    expect((await setPlan('pro')).status).toBe(200);
    const pro = await seedCreate(owner);
    expect(pro.status).toBe(200);
    expect(pro.body.rateLimitMax).toBe(1000);
    expect((await setPlan('standard')).status).toBe(200);
  });

  it('sends the better-auth error shapes for bad bodies', async () => {
    const missing = await seedCreate(team.owner.token, '{}');
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatch(/name/);
    const badJson = await seedCreate(team.owner.token, '{"name": ');
    expect(badJson.status).toBe(400);
    const noKeyId = await call(s.url, 'POST', '/api/auth/api-key/delete', { headers: betterAuthCookie(team.owner.token), body: {} });
    expect(noKeyId.status).toBe(400);
    expect(noKeyId.body).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/keyId/) });
  });
});
