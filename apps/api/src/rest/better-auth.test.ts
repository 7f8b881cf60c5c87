import { sessions } from '@keyward/db';
import { describeEachDb } from '@keyward/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bearer, betterAuthCookie, call, signUp, uniqueEmail } from '../test-support/http';
import { startTestServer, type TestServer } from '../test-support/server';

describeEachDb('better-auth session paths', (driver) => {
  let s: TestServer;
  let owner: Awaited<ReturnType<typeof signUp>>;

  beforeAll(async () => {
    s = await startTestServer(driver);
    owner = await signUp(s.url, uniqueEmail('owner'), 'Owner');
  });
  afterAll(() => s.close());

  it('makes the first user owner of a new organization with a default API', async () => {
    const r = await call(s.url, 'GET', '/trpc/orgs.current', { headers: bearer(owner.token) });
    expect(r.status).toBe(200);
    expect(r.body.result.data).toMatchObject({ role: 'owner', plan: 'standard' });
  });

  it('sets an httpOnly session cookie and returns {token, user} on sign-up', async () => {
    const s2 = await startTestServer(driver);
    try {
      const res = await fetch(`${s2.url}/api/auth/sign-up/email`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: 'First@Example.com', password: 'correct horse battery', name: 'First' }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { token: string; user: unknown };
      expect(body.user).toMatchObject({ email: 'first@example.com', name: 'First' });
      expect(body.token).toMatch(/^[0-9A-Za-z]{43}$/);
      const cookie = res.headers.get('set-cookie') ?? '';
      expect(cookie).toContain(`keyward_session=${body.token}`);
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Lax/i);
    } finally {
      await s2.close();
    }
  });

  it('closes sign-up after the first user unless invited', async () => {
    const r = await call(s.url, 'POST', '/api/auth/sign-up/email', {
      body: { email: uniqueEmail('stranger'), password: 'correct horse battery', name: 'Stranger' },
    });
    expect(r.status).toBe(403);
    expect(r.body.message).toMatch(/invitation/);
  });

  it('lets an invited email sign up into the inviting organization with the invited role', async () => {
    const email = uniqueEmail('invited');
    const inv = await call(s.url, 'POST', '/trpc/orgs.invite', { headers: bearer(owner.token), body: { email, role: 'admin' } });
    expect(inv.status).toBe(200);
    const member = await signUp(s.url, email, 'Invited');
    const r = await call(s.url, 'GET', '/trpc/orgs.current', { headers: bearer(member.token) });
    expect(r.body.result.data).toMatchObject({ role: 'admin' });
    const dup = await call(s.url, 'POST', '/api/auth/sign-up/email', { body: { email, password: 'another password', name: 'Again' } });
    expect(dup.status).toBe(409);
  });

  it('signs in, reads the session from every accepted credential form, and signs out', async () => {
    const r = await call(s.url, 'POST', '/api/auth/sign-in/email', { body: { email: owner.email, password: owner.password } });
    expect(r.status).toBe(200);
    const token = r.body.token as string;
    expect(r.body.user.id).toBe(owner.userId);

    for (const headers of [
      betterAuthCookie(token),
      betterAuthCookie(`${token}.signature-part`),
      { Cookie: `keyward_session=${token}` },
      bearer(token),
    ]) {
      const got = await call(s.url, 'GET', '/api/auth/get-session', { headers });
      expect(got.status).toBe(200);
      expect(got.body.user.id).toBe(owner.userId);
      expect(got.body.session.userId).toBe(owner.userId);
    }

    const out = await call(s.url, 'POST', '/api/auth/sign-out', { headers: bearer(token) });
    expect(out.body).toEqual({ success: true });
    const after = await call(s.url, 'GET', '/api/auth/get-session', { headers: bearer(token) });
    expect(after.status).toBe(200);
    expect(after.body).toBeNull();
  });

  it('stores only the SHA-256 of the session token', async () => {
    const ids = (await s.handle.db.select({ id: sessions.id }).from(sessions)).map((r) => r.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).not.toContain(owner.token);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers a wrong password and an unknown email alike', async () => {
    const wrong = await call(s.url, 'POST', '/api/auth/sign-in/email', { body: { email: owner.email, password: 'not the password' } });
    const unknown = await call(s.url, 'POST', '/api/auth/sign-in/email', { body: { email: uniqueEmail('nobody'), password: 'not the password' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.message).toBe(unknown.body.message);
  });

  it('slows and then refuses repeated failures for one email with 429 and Retry-After', async () => {
    const email = uniqueEmail('target');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await call(s.url, 'POST', '/api/auth/sign-in/email', { body: { email, password: `guess-number-${i}` } });
      statuses.push(r.status);
      if (r.status === 429) {
        expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      }
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
  });

  it('refuses cookie-carrying writes from another site, but not cookie-less clients', async () => {
    const cross = await call(s.url, 'POST', '/api/auth/sign-out', {
      headers: { ...betterAuthCookie(owner.token), Origin: 'https://evil.example' },
    });
    expect(cross.status).toBe(403);
    const fetchMeta = await call(s.url, 'POST', '/api/auth/sign-out', {
      headers: { ...betterAuthCookie(owner.token), 'Sec-Fetch-Site': 'cross-site' },
    });
    expect(fetchMeta.status).toBe(403);
    const sameOrigin = await call(s.url, 'POST', '/trpc/orgs.current', {
      headers: { ...betterAuthCookie(owner.token), Origin: s.url },
    });
    expect(sameOrigin.status).not.toBe(403);
  });

  it('rejects bad input with 4xx naming the field, never 500', async () => {
    const cases: [unknown, string | RegExp][] = [
      [{}, /email/],
      [{ email: 'not-an-email', password: 'correct horse', name: 'x' }, /email/],
      [{ email: uniqueEmail(), password: 'short', name: 'x' }, /password/],
      [{ email: uniqueEmail(), password: 'correct horse', name: '' }, /name/],
      [{ email: uniqueEmail(), password: 'correct horse', name: 'x'.repeat(10_000) }, /name/],
      [{ email: 123, password: [], name: {} }, /email/],
    ];
    for (const [body, field] of cases) {
      const r = await call(s.url, 'POST', '/api/auth/sign-up/email', { body });
      expect(r.status).toBe(400);
      expect(r.body.message).toMatch(field);
    }
    const malformed = await call(s.url, 'POST', '/api/auth/sign-in/email', { raw: '{"email": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/JSON/);
    const huge = await call(s.url, 'POST', '/api/auth/sign-in/email', { raw: JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(200_000) }) });
    expect(huge.status).toBe(413);
  });
});
