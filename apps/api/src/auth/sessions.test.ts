import { hashKey } from '@keyward/core';
import { sessions } from '@keyward/db';
import { describeEachDb } from '@keyward/db/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bearer, betterAuthCookie, call, signUp, uniqueEmail } from '../test-support/http';
import { startTestServer, type TestServer } from '../test-support/server';
import { trpcCall } from '../test-support/trpc';

const DAY_MS = 86_400_000;

describeEachDb('sessions: open sign-up, sliding expiry, expiry', (driver) => {
  let s: TestServer;

  beforeAll(async () => {
    s = await startTestServer(driver, { KEYWARD_OPEN_SIGNUP: 'true', KEYWARD_SESSION_DAYS: '30' });
  });
  afterAll(() => s.close());

  const setExpiry = (token: string, at: Date) =>
    s.handle.db.update(sessions).set({ expiresAt: at }).where(eq(sessions.id, hashKey(token)));
  const storedExpiry = async (token: string) =>
    (await s.handle.db.select({ at: sessions.expiresAt }).from(sessions).where(eq(sessions.id, hashKey(token))))[0]?.at;
  const sessionCookie = (res: { headers: Headers }) =>
    res.headers.getSetCookie().find((c) => c.startsWith('keyward_session='));

  it('gives every user their own organization, as owner, when sign-up is open', async () => {
    const first = await signUp(s.url, uniqueEmail('first'));
    const second = await signUp(s.url, uniqueEmail('second'));
    const [a, b] = await Promise.all(
      [first, second].map((u) => trpcCall(s.url, 'query', 'orgs.current', undefined, bearer(u.token))),
    );
    expect(a?.body.result.data.role).toBe('owner');
    expect(b?.body.result.data.role).toBe('owner');
    expect(a?.body.result.data.id).not.toBe(b?.body.result.data.id);
  });

  it('does not re-send the cookie while the session is far from expiry', async () => {
    const u = await signUp(s.url);
    const r = await call(s.url, 'GET', '/api/auth/get-session', { headers: betterAuthCookie(u.token) });
    expect(r.status).toBe(200);
    expect(sessionCookie(r)).toBeUndefined();
  });

  // Lucia extends a session found past half its lifetime; each route must carry the new cookie.
  for (const [route, send] of [
    ['GET /api/auth/get-session', (h: Record<string, string>) => call(s.url, 'GET', '/api/auth/get-session', { headers: h })],
    ['GET /v1/api-keys', (h: Record<string, string>) => call(s.url, 'GET', '/v1/api-keys', { headers: h })],
    ['tRPC orgs.current', (h: Record<string, string>) => trpcCall(s.url, 'query', 'orgs.current', undefined, h)],
    ['tRPC auth.session', (h: Record<string, string>) => trpcCall(s.url, 'query', 'auth.session', undefined, h)],
  ] as const) {
    it(`slides the expiry and re-sets the cookie on ${route}`, async () => {
      const u = await signUp(s.url);
      await setExpiry(u.token, new Date(Date.now() + 10 * DAY_MS));
      const before = Date.now();
      const r = await send({ Cookie: `keyward_session=${u.token}` });
      expect(r.status).toBe(200);
      const cookie = sessionCookie(r);
      expect(cookie).toBeDefined();
      expect(cookie).toContain(`keyward_session=${u.token};`);
      expect(cookie).toMatch(/HttpOnly/i);
      const expires = Date.parse(/Expires=([^;]+)/i.exec(cookie ?? '')?.[1] ?? '');
      expect(expires).toBeGreaterThan(before + 29 * DAY_MS);
      expect((await storedExpiry(u.token))?.getTime()).toBeGreaterThan(before + 29 * DAY_MS);
    });
  }

  it('slides a Bearer session without handing the client a cookie', async () => {
    const u = await signUp(s.url);
    await setExpiry(u.token, new Date(Date.now() + 10 * DAY_MS));
    const r = await call(s.url, 'GET', '/v1/api-keys', { headers: bearer(u.token) });
    expect(r.status).toBe(200);
    expect(sessionCookie(r)).toBeUndefined();
    expect((await storedExpiry(u.token))?.getTime()).toBeGreaterThan(Date.now() + 29 * DAY_MS);
  });

  it('refuses an expired session everywhere and forgets it', async () => {
    const u = await signUp(s.url);
    await setExpiry(u.token, new Date(Date.now() - 60_000));
    for (const headers of [bearer(u.token), betterAuthCookie(u.token)]) {
      const session = await call(s.url, 'GET', '/api/auth/get-session', { headers });
      expect(session.status).toBe(200);
      expect(session.body).toBeNull();
      expect((await call(s.url, 'GET', '/v1/api-keys', { headers })).status).toBe(401);
      expect((await call(s.url, 'POST', '/api/user/api-keys', { headers, body: { name: 'late' } })).status).toBe(401);
      expect((await trpcCall(s.url, 'query', 'keys.list', {}, headers)).status).toBe(401);
    }
    expect(await storedExpiry(u.token)).toBeUndefined();
  });

  it('ends the session on sign-out, for that token only', async () => {
    const u = await signUp(s.url);
    const again = await call(s.url, 'POST', '/api/auth/sign-in/email', { body: { email: u.email, password: u.password } });
    expect(again.status).toBe(200);
    const out = await call(s.url, 'POST', '/api/auth/sign-out', { headers: betterAuthCookie(u.token) });
    expect(out.body).toEqual({ success: true });
    expect(sessionCookie(out)).toMatch(/keyward_session=;/);
    expect((await call(s.url, 'GET', '/v1/api-keys', { headers: bearer(u.token) })).status).toBe(401);
    expect((await call(s.url, 'GET', '/v1/api-keys', { headers: bearer(again.body.token) })).status).toBe(200);
  });
});
