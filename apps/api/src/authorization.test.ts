import { auditLog, keys, memberships, organizations } from '@keyward/db';
import { describeEachDb } from '@keyward/db/testing';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bearer, call, type Reply, signUp, uniqueEmail } from './test-support/http';
import { startTestServer, type TestServer } from './test-support/server';
import { joinAs, type SignedUp, signUpTeam } from './test-support/team';
import { trpcCall } from './test-support/trpc';

/**
 * Every route × every kind of caller → the status it must answer. Targets live in organization
 * "acme": a key of its owner, a member of it. Key callers are keys of acme's owner unless named.
 */
const CALLERS = [
  'anonymous',
  'member',
  'memberOfOtherOrg',
  'ownerOfOtherOrg',
  'admin',
  'owner',
  'keyRead',
  'keyReadWrite',
  'memberKeyReadWrite',
  'revokedKey',
] as const;
type CallerName = (typeof CALLERS)[number];
type Expected = Record<CallerName, number>;

interface Fixture {
  /** A fresh key of acme's owner, so a cell that revokes or deletes cannot affect the next. */
  ownerKey(): Promise<string>;
  /** A fresh plain member of acme. */
  victim(): Promise<string>;
}

interface Route {
  name: string;
  /** Whether the target must be unchanged when the call is refused. */
  targetsKey?: boolean;
  run(headers: Record<string, string>, target: string): Promise<Reply>;
  target?: (f: Fixture) => Promise<string>;
  expected: Expected;
}

const rows = (cells: Omit<Expected, 'anonymous' | 'revokedKey'>): Expected => ({ anonymous: 401, revokedKey: 401, ...cells });
/** The dashboard's procedures take sessions only: any API key is a known caller but refused. */
const sessionOnly = (cells: Pick<Expected, 'member' | 'memberOfOtherOrg' | 'ownerOfOtherOrg' | 'admin' | 'owner'>): Expected =>
  rows({ ...cells, keyRead: 403, keyReadWrite: 403, memberKeyReadWrite: 403 });
const allowAll = { member: 200, memberOfOtherOrg: 200, ownerOfOtherOrg: 200, admin: 200, owner: 200 };
/** Reads of one key of acme's owner: admins and owners of acme only. */
const adminsOfAcme = { member: 404, memberOfOtherOrg: 404, ownerOfOtherOrg: 404, admin: 200, owner: 200 };
/** Changes to acme's membership or plan: its owners only; other orgs' owners act on their own org. */
const ownersOnly = { member: 403, memberOfOtherOrg: 403, admin: 403, owner: 200 };

describeEachDb('authorization matrix', (driver) => {
  let s: TestServer;
  let acme: Awaited<ReturnType<typeof signUpTeam>>;
  let globex: Awaited<ReturnType<typeof signUpTeam>>;
  let acmeOrgId: string;
  const secrets = {} as Record<'keyRead' | 'keyReadWrite' | 'memberKeyReadWrite' | 'revokedKey', string>;
  const headersOf = {} as Record<CallerName, Record<string, string>>;

  const mint = async (token: string, scopes: string[], name = 'fixture') => {
    const r = await trpcCall(s.url, 'mutation', 'keys.create', { name, scopes }, bearer(token));
    if (r.status !== 200) throw new Error(`keys.create failed: ${r.status} ${r.text}`);
    return r.body.result.data as { key: { id: string }; secret: string };
  };

  const fixture: Fixture = {
    ownerKey: async () => (await mint(acme.owner.token, ['read-write'], 'target')).key.id,
    victim: async () => (await joinAs(s.url, acme.owner.token, 'member', 'victim')).userId,
  };

  beforeAll(async () => {
    s = await startTestServer(driver, { KEYWARD_OPEN_SIGNUP: 'true' });
    acme = await signUpTeam(s.url, 'acme');
    globex = await signUpTeam(s.url, 'globex');
    acmeOrgId = (await trpcCall(s.url, 'query', 'orgs.current', undefined, bearer(acme.owner.token))).body.result.data.id;
    secrets.keyRead = (await mint(acme.owner.token, ['read'])).secret;
    secrets.keyReadWrite = (await mint(acme.owner.token, ['read-write'])).secret;
    secrets.memberKeyReadWrite = (await mint(acme.member.token, ['read-write'])).secret;
    const revoked = await mint(acme.owner.token, ['read-write']);
    await trpcCall(s.url, 'mutation', 'keys.revoke', { id: revoked.key.id }, bearer(acme.owner.token));
    secrets.revokedKey = revoked.secret;
    Object.assign(headersOf, {
      anonymous: {},
      member: bearer(acme.member.token),
      memberOfOtherOrg: bearer(globex.member.token),
      ownerOfOtherOrg: bearer(globex.owner.token),
      admin: bearer(acme.admin.token),
      owner: bearer(acme.owner.token),
      keyRead: bearer(secrets.keyRead),
      keyReadWrite: bearer(secrets.keyReadWrite),
      memberKeyReadWrite: { 'x-api-key': secrets.memberKeyReadWrite },
      revokedKey: bearer(secrets.revokedKey),
    });
  });
  afterAll(() => s.close());

  const q = (path: string, input: (t: string) => unknown) => (h: Record<string, string>, t: string) =>
    trpcCall(s.url, 'query', path, input(t), h);
  const m = (path: string, input: (t: string) => unknown) => (h: Record<string, string>, t: string) =>
    trpcCall(s.url, 'mutation', path, input(t), h);

  const routes: Route[] = [
    {
      name: 'POST /api/user/api-keys',
      run: (h) => call(s.url, 'POST', '/api/user/api-keys', { headers: h, body: { name: 'matrix' } }),
      // Seed 01 documents 401 for an API key: a key cannot bootstrap keys.
      expected: rows({ ...allowAll, keyRead: 401, keyReadWrite: 401, memberKeyReadWrite: 401 }),
    },
    {
      name: 'POST /api/auth/api-key/delete',
      targetsKey: true,
      target: (f) => f.ownerKey(),
      run: (h, t) => call(s.url, 'POST', '/api/auth/api-key/delete', { headers: h, body: { keyId: t } }),
      // User-scoped: even an admin reaches only their own keys here.
      expected: rows({ ...adminsOfAcme, admin: 404, keyRead: 401, keyReadWrite: 401, memberKeyReadWrite: 401 }),
    },
    {
      name: 'GET /v1/api-keys',
      run: (h) => call(s.url, 'GET', '/v1/api-keys', { headers: h }),
      expected: rows({ ...allowAll, keyRead: 200, keyReadWrite: 200, memberKeyReadWrite: 200 }),
    },
    {
      name: 'POST /v1/api-keys',
      run: (h) => call(s.url, 'POST', '/v1/api-keys', { headers: h, body: { name: 'matrix', scope: 'read' } }),
      expected: rows({ ...allowAll, keyRead: 403, keyReadWrite: 200, memberKeyReadWrite: 200 }),
    },
    {
      name: 'GET /v1/api-keys/:id',
      target: (f) => f.ownerKey(),
      run: (h, t) => call(s.url, 'GET', `/v1/api-keys/${t}`, { headers: h }),
      expected: rows({ ...adminsOfAcme, keyRead: 200, keyReadWrite: 200, memberKeyReadWrite: 404 }),
    },
    {
      name: 'PATCH /v1/api-keys/:id',
      targetsKey: true,
      target: (f) => f.ownerKey(),
      run: (h, t) => call(s.url, 'PATCH', `/v1/api-keys/${t}`, { headers: h, body: { name: 'renamed' } }),
      expected: rows({ ...adminsOfAcme, keyRead: 403, keyReadWrite: 200, memberKeyReadWrite: 404 }),
    },
    {
      name: 'DELETE /v1/api-keys/:id',
      targetsKey: true,
      target: (f) => f.ownerKey(),
      run: (h, t) => call(s.url, 'DELETE', `/v1/api-keys/${t}`, { headers: h }),
      expected: rows({ ...adminsOfAcme, keyRead: 403, keyReadWrite: 200, memberKeyReadWrite: 404 }),
    },
    {
      name: 'GET /v1/service-accounts',
      run: (h) => call(s.url, 'GET', '/v1/service-accounts', { headers: h }),
      expected: rows({ ...allowAll, keyRead: 200, keyReadWrite: 200, memberKeyReadWrite: 200 }),
    },
    {
      name: 'POST /v1/service-accounts',
      run: (h) => call(s.url, 'POST', '/v1/service-accounts', { headers: h, body: { name: 'ci' } }),
      expected: rows({ member: 403, memberOfOtherOrg: 403, ownerOfOtherOrg: 200, admin: 200, owner: 200, keyRead: 403, keyReadWrite: 200, memberKeyReadWrite: 403 }),
    },
    { name: 'keys.list', run: q('keys.list', () => ({})), expected: sessionOnly(allowAll) },
    { name: 'keys.get', target: (f) => f.ownerKey(), run: q('keys.get', (id) => ({ id })), expected: sessionOnly(adminsOfAcme) },
    { name: 'keys.create', run: m('keys.create', () => ({ name: 'matrix' })), expected: sessionOnly(allowAll) },
    {
      name: 'keys.update',
      targetsKey: true,
      target: (f) => f.ownerKey(),
      run: m('keys.update', (id) => ({ id, name: 'renamed' })),
      expected: sessionOnly(adminsOfAcme),
    },
    { name: 'keys.revoke', targetsKey: true, target: (f) => f.ownerKey(), run: m('keys.revoke', (id) => ({ id })), expected: sessionOnly(adminsOfAcme) },
    { name: 'keys.delete', targetsKey: true, target: (f) => f.ownerKey(), run: m('keys.delete', (id) => ({ id })), expected: sessionOnly(adminsOfAcme) },
    {
      name: 'keys.reroll',
      targetsKey: true,
      target: (f) => f.ownerKey(),
      run: m('keys.reroll', (id) => ({ id, graceMs: 0 })),
      expected: sessionOnly(adminsOfAcme),
    },
    { name: 'orgs.members', run: q('orgs.members', () => undefined), expected: sessionOnly(allowAll) },
    {
      name: 'orgs.invite',
      run: m('orgs.invite', () => ({ email: uniqueEmail('invitee'), role: 'member' })),
      expected: sessionOnly({ ...ownersOnly, ownerOfOtherOrg: 200 }),
    },
    {
      name: 'orgs.setRole',
      target: (f) => f.victim(),
      run: m('orgs.setRole', (userId) => ({ userId, role: 'admin' })),
      expected: sessionOnly({ ...ownersOnly, ownerOfOtherOrg: 404 }),
    },
    {
      name: 'orgs.removeMember',
      target: (f) => f.victim(),
      run: m('orgs.removeMember', (userId) => ({ userId })),
      expected: sessionOnly({ ...ownersOnly, ownerOfOtherOrg: 404 }),
    },
    {
      name: 'orgs.setPlan',
      run: m('orgs.setPlan', () => ({ plan: 'standard' })),
      expected: sessionOnly({ ...ownersOnly, ownerOfOtherOrg: 200 }),
    },
    { name: 'audit.list', run: q('audit.list', () => ({})), expected: sessionOnly(allowAll) },
  ];

  for (const route of routes) {
    it(route.name, async () => {
      const actual = {} as Expected;
      const changed: string[] = [];
      // Cells are independent (each has its own target), so they run side by side.
      await Promise.all(
        CALLERS.map(async (caller) => {
          const target = route.target ? await route.target(fixture) : '';
          const [before] = route.targetsKey ? await s.handle.db.select().from(keys).where(eq(keys.id, target)) : [];
          const r = await route.run(headersOf[caller], target);
          actual[caller] = r.status;
          if (r.status >= 500) changed.push(`${caller}: ${r.status} ${r.text}`);
          if (route.targetsKey && r.status >= 400) {
            const [after] = await s.handle.db.select().from(keys).where(eq(keys.id, target));
            if (JSON.stringify(after) !== JSON.stringify(before)) changed.push(caller);
            const children = await s.handle.db.select({ id: keys.id }).from(keys).where(eq(keys.rotatedFromId, target));
            if (children.length > 0) changed.push(`${caller} (rerolled)`);
          }
        }),
      );
      expect(actual).toEqual(route.expected);
      // A refused call must have changed nothing (and nothing may fail with a 5xx).
      expect(changed).toEqual([]);
    });
  }

  it("lets members manage their own keys, admins every key of the org, and no one another org's", async () => {
    const memberKey = async () => (await mint(acme.member.token, ['read-write'], 'own')).key.id;
    const ownKeyOps: [string, (h: Record<string, string>, id: string) => Promise<Reply>][] = [
      ['keys.get', q('keys.get', (id) => ({ id }))],
      ['keys.update', m('keys.update', (id) => ({ id, description: 'mine' }))],
      ['keys.reroll', m('keys.reroll', (id) => ({ id, graceMs: 0 }))],
      ['keys.revoke', m('keys.revoke', (id) => ({ id }))],
      ['keys.delete', m('keys.delete', (id) => ({ id }))],
      ['GET /v1/api-keys/:id', (h, id) => call(s.url, 'GET', `/v1/api-keys/${id}`, { headers: h })],
      ['PATCH /v1/api-keys/:id', (h, id) => call(s.url, 'PATCH', `/v1/api-keys/${id}`, { headers: h, body: { name: 'mine' } })],
      ['DELETE /v1/api-keys/:id', (h, id) => call(s.url, 'DELETE', `/v1/api-keys/${id}`, { headers: h })],
      ['POST /api/auth/api-key/delete', (h, id) => call(s.url, 'POST', '/api/auth/api-key/delete', { headers: h, body: { keyId: id } })],
    ];
    const expected: Record<string, Record<string, number>> = {};
    const actual: Record<string, Record<string, number>> = {};
    const who = { member: acme.member, admin: acme.admin, owner: acme.owner, ownerOfOtherOrg: globex.owner } as const;
    await Promise.all(
      ownKeyOps.map(async ([name, op]) => {
        const userScoped = name.startsWith('POST /api/auth');
        expected[name] = { member: 200, admin: userScoped ? 404 : 200, owner: userScoped ? 404 : 200, ownerOfOtherOrg: 404 };
        const row: Record<string, number> = {};
        actual[name] = row;
        for (const [label, user] of Object.entries(who)) row[label] = (await op(bearer(user.token), await memberKey())).status;
      }),
    );
    expect(actual).toEqual(expected);
  });

  it('lets only admins and owners mint keys for a service account, which act as admins', async () => {
    const sa = await call(s.url, 'POST', '/v1/service-accounts', { headers: bearer(acme.admin.token), body: { name: 'deployer' } });
    expect(sa.status).toBe(200);
    const serviceAccountId = sa.body.data.id as string;
    const body = { name: 'sa key', scope: 'read-write', serviceAccountId };
    const asMember = await call(s.url, 'POST', '/v1/api-keys', { headers: bearer(acme.member.token), body });
    expect(asMember.status).toBe(403);
    expect(asMember.body.message).toMatch(/service account/);
    const viaMemberKey = await call(s.url, 'POST', '/v1/api-keys', { headers: headersOf.memberKeyReadWrite, body });
    expect(viaMemberKey.status).toBe(403);
    const viaTrpc = await trpcCall(s.url, 'mutation', 'keys.create', { name: 'sa', serviceAccountId }, bearer(acme.member.token));
    expect(viaTrpc.status).toBe(403);
    const otherOrg = await call(s.url, 'POST', '/v1/api-keys', { headers: bearer(globex.owner.token), body });
    expect(otherOrg.status).toBe(404);

    const asAdmin = await call(s.url, 'POST', '/v1/api-keys', { headers: bearer(acme.admin.token), body });
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body.data).toMatchObject({ serviceAccountId, userId: null, scope: 'read-write' });
    const ownerKey = await fixture.ownerKey();
    expect((await call(s.url, 'GET', `/v1/api-keys/${ownerKey}`, { headers: bearer(asAdmin.body.data.key) })).status).toBe(200);
  });

  it('never lets a read or write cross organizations', async () => {
    const acmeKeyIds = (await s.handle.db.select({ id: keys.id }).from(keys).where(eq(keys.organizationId, acmeOrgId))).map((k) => k.id);
    expect(acmeKeyIds.length).toBeGreaterThan(10);
    for (const token of [globex.owner.token, globex.member.token]) {
      const rest = await call(s.url, 'GET', '/v1/api-keys?limit=100', { headers: bearer(token) });
      const trpc = await trpcCall(s.url, 'query', 'keys.list', { limit: 100 }, bearer(token));
      const audit = await trpcCall(s.url, 'query', 'audit.list', { limit: 100 }, bearer(token));
      const seen = [
        ...rest.body.data.items.map((k: { id: string }) => k.id),
        ...trpc.body.result.data.keys.map((k: { id: string }) => k.id),
        ...audit.body.result.data.items.map((e: { keyId: string | null }) => e.keyId),
      ];
      expect(seen.filter((id) => acmeKeyIds.includes(id))).toEqual([]);
      for (const k of rest.body.data.items) expect(k.organizationId).not.toBe(acmeOrgId);
    }
    // Nothing globex's people did is in acme's trail, and acme's plan and owners are as they were.
    const globexIds = [globex.owner.userId, globex.member.userId, globex.admin.userId];
    const foreign = await s.handle.db.select().from(auditLog).where(inArray(auditLog.actorId, globexIds));
    expect(foreign.filter((e) => e.organizationId === acmeOrgId)).toEqual([]);
    const [org] = await s.handle.db.select().from(organizations).where(eq(organizations.id, acmeOrgId));
    expect(org?.plan).toBe('standard');
    const owners = await s.handle.db.select().from(memberships).where(eq(memberships.organizationId, acmeOrgId));
    expect(owners.filter((o) => o.role === 'owner').map((o) => o.userId)).toEqual([acme.owner.userId]);
    expect(owners.some((o) => globexIds.includes(o.userId))).toBe(false);
  });

  it('refuses to switch into an organization the user does not belong to', async () => {
    const r = await trpcCall(s.url, 'mutation', 'orgs.switch', { organizationId: acmeOrgId }, bearer(globex.owner.token));
    expect(r.status).toBe(403);
    const still = await trpcCall(s.url, 'query', 'orgs.current', undefined, bearer(globex.owner.token));
    expect(still.body.result.data.id).not.toBe(acmeOrgId);
  });

  it('stops a removed member at once: their session has no org, their keys answer 401', async () => {
    const leaver = await joinAs(s.url, acme.owner.token, 'member', 'leaver');
    const { secret } = await mint(leaver.token, ['read-write']);
    expect((await call(s.url, 'GET', '/v1/api-keys', { headers: bearer(secret) })).status).toBe(200);
    const removed = await trpcCall(s.url, 'mutation', 'orgs.removeMember', { userId: leaver.userId }, bearer(acme.owner.token));
    expect(removed.status).toBe(200);
    expect((await call(s.url, 'GET', '/v1/api-keys', { headers: bearer(secret) })).status).toBe(401);
    const session = await trpcCall(s.url, 'query', 'keys.list', {}, bearer(leaver.token));
    expect(session.status).toBe(403);
  });

  it('signs up anyone else into an organization of their own, never into acme', async () => {
    const loner: SignedUp = await signUp(s.url, uniqueEmail('loner'));
    const current = await trpcCall(s.url, 'query', 'orgs.current', undefined, bearer(loner.token));
    expect(current.body.result.data.id).not.toBe(acmeOrgId);
  });
});
