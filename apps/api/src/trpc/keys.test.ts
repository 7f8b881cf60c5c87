import { newId, parseKey } from '@keyward/core';
import { auditLog, keys, roles } from '@keyward/db';
import { describeEachDb } from '@keyward/db/testing';
import type { TRPCClientError } from '@trpc/client';
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bearer, call, signUp, uniqueEmail } from '../test-support/http';
import { startTestServer, type TestServer } from '../test-support/server';
import { joinAs, type SignedUp } from '../test-support/team';
import { trpcClient } from '../test-support/trpc';
import type { AppRouter } from './router';

const DAY_MS = 86_400_000;
const UA = 'keyward-tests/1.0 (tRPC)';

type Client = ReturnType<typeof trpcClient>;

/** The error a call failed with; fails the test when it did not. */
async function failure(p: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  try {
    await p;
  } catch (err) {
    return err as TRPCClientError<AppRouter>;
  }
  throw new Error('expected the call to fail');
}

const ms = (d: Date | string | null | undefined) => (d == null ? null : new Date(d).getTime());

describeEachDb('key service through tRPC', (driver) => {
  let s: TestServer;
  let owner: SignedUp;
  let admin: SignedUp;
  let api: Client;
  let adminApi: Client;
  let organizationId: string;

  /** Whether a secret gets through our own REST API right now. */
  const works = async (secret: string) => (await call(s.url, 'GET', '/v1/api-keys', { headers: bearer(secret) })).status;

  beforeAll(async () => {
    s = await startTestServer(driver);
    owner = await signUp(s.url, uniqueEmail('owner'), 'Owner');
    admin = await joinAs(s.url, owner.token, 'admin');
    api = trpcClient(s.url, owner.token, { 'User-Agent': UA });
    adminApi = trpcClient(s.url, admin.token, { 'User-Agent': UA });
    organizationId = (await api.orgs.current.query()).id;
  });
  afterAll(() => s.close());

  it('creates a key with every field and reads every field back', async () => {
    const [role] = await s.handle.db
      .insert(roles)
      .values({ id: newId('role'), organizationId, name: 'billing.viewer' })
      .returning();
    const expiresAt = new Date(Date.now() + 7 * DAY_MS);
    const { key, secret } = await api.keys.create.mutate({
      name: 'everything',
      description: 'a key with every field',
      prefix: 'acme_live',
      byteLength: 32,
      scopes: ['keys:read', 'analytics:read'],
      permissions: ['documents.read', 'documents.write'],
      roles: [role?.name ?? ''],
      expiresAt,
      remaining: 100,
      refill: { interval: 'monthly', amount: 100, refillDay: 15 },
      ratelimit: { type: 'consistent', limit: 10, durationMs: 60_000 },
      meta: { plan: 'gold', nested: { seats: 3 } },
      ownerId: 'customer_42',
      externalId: 'ext_42',
      environment: 'staging',
      enabled: true,
    });

    const parsed = parseKey(secret);
    expect(parsed.ok && parsed.prefix).toBe('acme_live');
    expect(secret.startsWith(key.start)).toBe(true);
    const got = await api.keys.get.query({ id: key.id });
    expect(got).toEqual(key);
    expect(got).toMatchObject({
      name: 'everything',
      description: 'a key with every field',
      prefix: 'acme_live',
      byteLength: 32,
      scopes: ['keys:read', 'analytics:read'],
      permissions: ['documents.read', 'documents.write'],
      roles: ['billing.viewer'],
      remaining: 100,
      refillInterval: 'monthly',
      refillAmount: 100,
      refillDay: 15,
      ratelimit: { type: 'consistent', limit: 10, durationMs: 60_000, inherited: false },
      meta: { plan: 'gold', nested: { seats: 3 } },
      ownerId: 'customer_42',
      externalId: 'ext_42',
      environment: 'staging',
      enabled: true,
      status: 'active',
      recoverable: false,
      organizationId,
      userId: owner.userId,
      createdBy: owner.userId,
      source: 'dashboard',
      revokedAt: null,
    });
    expect(ms(got.expiresAt)).toBe(expiresAt.getTime());
    // Never the secret or its hash, on any read.
    expect(Object.keys(got)).not.toContain('hash');
    expect(Object.keys(got)).not.toContain('recoverableCiphertext');
    expect(JSON.stringify(got)).not.toContain(secret);
  });

  it('refuses an unknown role with a 404 naming it, and creates nothing', async () => {
    const before = (await api.keys.list.query({ search: 'with-ghost-role' })).keys.length;
    const err = await failure(api.keys.create.mutate({ name: 'with-ghost-role', roles: ['ghost.role'] }));
    expect(err.data?.httpStatus).toBe(404);
    expect(err.message).toMatch(/ghost\.role/);
    expect((await api.keys.list.query({ search: 'with-ghost-role' })).keys.length).toBe(before);
  });

  it('defaults to read-write, the plan rate limit, no expiry and unlimited uses', async () => {
    const { key } = await api.keys.create.mutate({ name: 'defaults' });
    expect(key).toMatchObject({
      scopes: ['read-write'],
      ratelimit: { limit: 200, durationMs: 60_000, inherited: true },
      expiresAt: null,
      remaining: null,
      status: 'active',
      prefix: 'kw',
    });
  });

  it('pages through more than one page with a cursor, newest first, without gaps or repeats', async () => {
    const tag = `page-${Date.now().toString(36)}`;
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.push((await api.keys.create.mutate({ name: `${tag}-${i}` })).key.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await api.keys.list.query({ search: tag, limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.keys.map((k) => k.id));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...created].reverse());
  });

  it('keeps rows that share a millisecond on the right page', async () => {
    const tag = `same-ms-${Date.now().toString(36)}`;
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await api.keys.create.mutate({ name: `${tag}-${i}` })).key.id);
    // Microseconds apart within one millisecond: a cursor holding a JS Date would skip some.
    for (const [i, id] of ids.entries()) {
      await s.handle.db
        .update(keys)
        .set({ createdAt: sql`'2030-01-01T00:00:00.123Z'::timestamptz + ${`${i * 100} microseconds`}::interval` })
        .where(eq(keys.id, id));
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.keys.list.query({ search: tag, limit: 1, ...(cursor ? { cursor } : {}) });
      seen.push(...page.keys.map((k) => k.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it('filters by status: active, disabled, expired, revoked and exhausted', async () => {
    const tag = `status-${Date.now().toString(36)}`;
    const mk = async (suffix: string, extra: Record<string, unknown> = {}) =>
      (await api.keys.create.mutate({ name: `${tag}-${suffix}`, ...extra })).key.id;
    const ids = {
      active: await mk('active'),
      disabled: await mk('disabled', { enabled: false }),
      expired: await mk('expired', { expiresAt: new Date(Date.now() + DAY_MS) }),
      revoked: await mk('revoked'),
      exhausted: await mk('exhausted', { remaining: 0 }),
    };
    await s.handle.db.update(keys).set({ expiresAt: new Date(Date.now() - 60_000) }).where(eq(keys.id, ids.expired));
    await api.keys.revoke.mutate({ id: ids.revoked });

    for (const [status, id] of Object.entries(ids)) {
      const page = await api.keys.list.query({ search: tag, status: status as keyof typeof ids });
      expect(page.keys.map((k) => k.id), status).toEqual([id]);
      expect(page.keys[0]?.status).toBe(status);
    }
    expect((await api.keys.list.query({ search: tag })).keys).toHaveLength(5);
  });

  it('searches by name, case-insensitively, and by the start of the key', async () => {
    const { key, secret } = await api.keys.create.mutate({ name: 'Payments Backend 100%_done' });
    const byName = await api.keys.list.query({ search: 'payments backend' });
    expect(byName.keys.map((k) => k.id)).toContain(key.id);
    // LIKE wildcards in the search are literal characters.
    expect((await api.keys.list.query({ search: '100%_done' })).keys.map((k) => k.id)).toEqual([key.id]);
    expect((await api.keys.list.query({ search: '100%%' })).keys).toEqual([]);
    const byStart = await api.keys.list.query({ search: secret.slice(0, key.start.length) });
    expect(byStart.keys.map((k) => k.id)).toContain(key.id);
    expect((await api.keys.list.query({ search: 'no key is called this' })).keys).toEqual([]);
  });

  it('updates each field, and clears each nullable one with null', async () => {
    const { key } = await api.keys.create.mutate({
      name: 'to update',
      description: 'before',
      remaining: 5,
      refill: { interval: 'daily', amount: 5 },
      ratelimit: { type: 'fast', limit: 5, durationMs: 1000 },
      meta: { a: 1 },
      ownerId: 'o1',
      externalId: 'e1',
      environment: 'dev',
      expiresAt: new Date(Date.now() + DAY_MS),
      permissions: ['p.one'],
    });
    const later = new Date(Date.now() + 3 * DAY_MS);
    const updated = await api.keys.update.mutate({
      id: key.id,
      name: 'updated',
      description: 'after',
      scopes: ['keys:read'],
      permissions: ['p.two', 'p.three'],
      roles: [],
      expiresAt: later,
      remaining: 50,
      refill: { interval: 'monthly', amount: 50, refillDay: 31 },
      ratelimit: { type: 'consistent', limit: 99, durationMs: 2000 },
      enabled: false,
      ownerId: 'o2',
      externalId: 'e2',
      environment: 'prod',
      meta: { b: 2 },
    });
    expect(updated).toMatchObject({
      name: 'updated',
      description: 'after',
      scopes: ['keys:read'],
      permissions: ['p.three', 'p.two'],
      roles: [],
      remaining: 50,
      refillInterval: 'monthly',
      refillAmount: 50,
      refillDay: 31,
      ratelimit: { type: 'consistent', limit: 99, durationMs: 2000, inherited: false },
      enabled: false,
      status: 'disabled',
      ownerId: 'o2',
      externalId: 'e2',
      environment: 'prod',
      meta: { b: 2 },
    });
    expect(ms(updated.expiresAt)).toBe(later.getTime());

    // Unlimited uses while a refill is set would be contradictory: the refill must go too.
    const contradictory = await failure(api.keys.update.mutate({ id: key.id, remaining: null }));
    expect(contradictory.data?.httpStatus).toBe(400);
    expect(contradictory.data?.field).toBe('remaining');

    const cleared = await api.keys.update.mutate({
      id: key.id,
      description: null,
      expiresAt: null,
      remaining: null,
      refill: null,
      ratelimit: null,
      ownerId: null,
      externalId: null,
      environment: null,
      meta: null,
      enabled: true,
    });
    expect(cleared).toMatchObject({
      name: 'updated',
      description: null,
      expiresAt: null,
      remaining: null,
      refillInterval: null,
      refillAmount: null,
      refillDay: null,
      ratelimit: { limit: 200, durationMs: 60_000, inherited: true },
      ownerId: null,
      externalId: null,
      environment: null,
      meta: null,
      status: 'active',
    });
    // Fields not in a patch stay as they were.
    const untouched = await api.keys.update.mutate({ id: key.id, name: 'renamed only' });
    expect(untouched).toMatchObject({ scopes: ['keys:read'], permissions: ['p.three', 'p.two'], description: null });
    expect(ms(untouched.updatedAt)).toBeGreaterThanOrEqual(ms(cleared.updatedAt) ?? 0);
  });

  it('revokes at once: the key answers 401 on the next request and cannot be changed', async () => {
    const { key, secret } = await api.keys.create.mutate({ name: 'to revoke' });
    expect(await works(secret)).toBe(200);
    const revoked = await api.keys.revoke.mutate({ id: key.id });
    expect(revoked.status).toBe('revoked');
    expect(revoked.revokedAt).not.toBeNull();
    expect(await works(secret)).toBe(401);
    // Revoking twice is not an error; changing or rolling a revoked key is.
    expect((await api.keys.revoke.mutate({ id: key.id })).status).toBe('revoked');
    expect((await failure(api.keys.update.mutate({ id: key.id, name: 'zombie' }))).data?.httpStatus).toBe(409);
    expect((await failure(api.keys.reroll.mutate({ id: key.id, graceMs: 0 }))).data?.httpStatus).toBe(409);
  });

  it('deletes for good, while the audit trail keeps the key', async () => {
    const { key, secret } = await api.keys.create.mutate({ name: 'to delete' });
    expect(await works(secret)).toBe(200);
    expect(await api.keys.delete.mutate({ id: key.id })).toEqual({ success: true });
    expect(await works(secret)).toBe(401);
    expect((await failure(api.keys.get.query({ id: key.id }))).data?.httpStatus).toBe(404);
    expect((await failure(api.keys.delete.mutate({ id: key.id }))).data?.httpStatus).toBe(404);
    expect(await s.handle.db.select().from(keys).where(eq(keys.id, key.id))).toEqual([]);
    const trail = await api.audit.list.query({ keyId: key.id });
    expect(trail.items.map((e) => e.action).sort()).toEqual(['key.create', 'key.delete']);
  });

  it('rerolls with no grace: the old secret is refused at once, the new one works with the same settings', async () => {
    const { key, secret } = await api.keys.create.mutate({
      name: 'roll now',
      scopes: ['keys:read'],
      meta: { team: 'core' },
      ratelimit: { type: 'fast', limit: 50, durationMs: 10_000 },
      permissions: ['a.b'],
      byteLength: 24,
    });
    expect(await works(secret)).toBe(200);
    const rolled = await api.keys.reroll.mutate({ id: key.id, graceMs: 0 });
    expect(rolled.secret).not.toBe(secret);
    expect(rolled.key.id).not.toBe(key.id);
    expect(rolled.key).toMatchObject({
      name: 'roll now',
      scopes: ['keys:read'],
      meta: { team: 'core' },
      ratelimit: { limit: 50, durationMs: 10_000, inherited: false },
      permissions: ['a.b'],
      byteLength: 24,
      rotatedFromId: key.id,
      userId: owner.userId,
      status: 'active',
    });
    expect(await works(secret)).toBe(401);
    expect(await works(rolled.secret)).toBe(200);
    expect((await api.keys.get.query({ id: key.id })).status).toBe('revoked');
  });

  it('rerolls with a grace period: both secrets work, and the old one expires when the grace ends', async () => {
    const { key, secret } = await api.keys.create.mutate({ name: 'roll gently' });
    const before = Date.now();
    const rolled = await api.keys.reroll.mutate({ id: key.id, graceMs: 3_600_000 });
    expect(await works(secret)).toBe(200);
    expect(await works(rolled.secret)).toBe(200);
    const old = await api.keys.get.query({ id: key.id });
    expect(old.status).toBe('active');
    expect(ms(old.expiresAt)).toBeGreaterThanOrEqual(before + 3_600_000 - 1000);
    expect(ms(old.expiresAt)).toBeLessThanOrEqual(Date.now() + 3_600_000 + 1000);
    expect(rolled.key.expiresAt).toBeNull();
    // When the grace ends, the old secret stops.
    await s.handle.db.update(keys).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(keys.id, key.id));
    s.services.cache.clear();
    expect(await works(secret)).toBe(401);
    expect(await works(rolled.secret)).toBe(200);
  });

  it('records who, what, when, IP and user agent for every change and every sign-in, filterable', async () => {
    const signIn = await call(s.url, 'POST', '/api/auth/sign-in/email', {
      headers: { 'User-Agent': UA },
      body: { email: admin.email, password: admin.password },
    });
    expect(signIn.status).toBe(200);
    const { key } = await adminApi.keys.create.mutate({ name: 'audited' });
    await adminApi.keys.update.mutate({ id: key.id, description: 'changed' });
    const rolled = await adminApi.keys.reroll.mutate({ id: key.id, graceMs: 0 });
    await adminApi.keys.revoke.mutate({ id: rolled.key.id });
    await adminApi.keys.delete.mutate({ id: rolled.key.id });

    const byActor = await api.audit.list.query({ actorId: admin.userId, limit: 100 });
    const actions = byActor.items.map((e) => e.action);
    for (const action of ['user.login', 'key.create', 'key.update', 'key.reroll', 'key.revoke', 'key.delete']) {
      expect(actions, action).toContain(action);
    }
    // All but the sign-up, which the test helper sent with fetch's own user agent.
    for (const e of byActor.items.filter((x) => x.action !== 'member.join')) {
      expect(e).toMatchObject({ organizationId, actorId: admin.userId, actorType: 'user' });
      expect(e.ip).toMatch(/127\.0\.0\.1/);
      expect(e.userAgent).toBe(UA);
      expect(ms(e.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    }
    const login = byActor.items.find((e) => e.action === 'user.login');
    expect(login).toMatchObject({ targetType: 'user', targetId: admin.userId });

    const updates = await api.audit.list.query({ action: 'key.update', keyId: key.id });
    expect(updates.items).toHaveLength(1);
    expect(updates.items[0]?.metadata).toEqual({ fields: ['description'] });
    const forKey = await api.audit.list.query({ keyId: key.id });
    expect(forKey.items.map((e) => e.action)).toEqual(['key.reroll', 'key.update', 'key.create']);
    const forRolled = await api.audit.list.query({ keyId: rolled.key.id });
    expect(forRolled.items.map((e) => e.action)).toEqual(['key.delete', 'key.revoke', 'key.create']);
    expect(forRolled.items[2]?.metadata).toMatchObject({ rotatedFromId: key.id });
    expect((await api.audit.list.query({ actorId: 'user_nobody' })).items).toEqual([]);
  });

  it('pages through the audit log and shows members only their own entries', async () => {
    const all: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.audit.list.query({ limit: 4, ...(cursor ? { cursor } : {}) });
      all.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const inDb = await s.handle.db.select({ id: auditLog.id }).from(auditLog).where(eq(auditLog.organizationId, organizationId));
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(inDb.map((e) => e.id).sort());

    const member = await joinAs(s.url, owner.token, 'member');
    const memberApi = trpcClient(s.url, member.token);
    await memberApi.keys.create.mutate({ name: 'member key' });
    const seen = await memberApi.audit.list.query({ limit: 100 });
    expect(seen.items.length).toBeGreaterThan(0);
    expect(new Set(seen.items.map((e) => e.actorId))).toEqual(new Set([member.userId]));
    const ownersEntries = await memberApi.audit.list.query({ actorId: owner.userId });
    expect(ownersEntries.items).toEqual([]);
  });

  it('gives members their own keys only, in lists and by id', async () => {
    const member = await joinAs(s.url, owner.token, 'member');
    const memberApi = trpcClient(s.url, member.token);
    const mine = await memberApi.keys.create.mutate({ name: 'member-owned' });
    const ownerKey = await api.keys.create.mutate({ name: 'owner-owned' });
    const listed = await memberApi.keys.list.query({ limit: 100 });
    expect(listed.keys.map((k) => k.id)).toEqual([mine.key.id]);
    expect((await failure(memberApi.keys.get.query({ id: ownerKey.key.id }))).data?.httpStatus).toBe(404);
    const everything = await api.keys.list.query({ limit: 100 });
    expect(everything.keys.map((k) => k.id)).toContain(mine.key.id);
    const ids = await s.handle.db.select({ id: keys.id }).from(keys).where(inArray(keys.id, [mine.key.id, ownerKey.key.id]));
    expect(ids).toHaveLength(2);
  });
});
