import { randomUUID } from 'node:crypto';
import { parseKey } from '@keyward/core';
import { auditLog, idempotencyRecords, keys } from '@keyward/db';
import { describeEachDb } from '@keyward/db/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bearer, betterAuthCookie, call, type Reply, signUp, uniqueEmail } from '../test-support/http';
import { startTestServer, type TestServer } from '../test-support/server';

const DAY = 86_400_000;

interface WubbleKey {
  key_id: string;
  name: string;
  key: string;
  prefix: string;
  scopes: string[];
  expires_at: string;
  created_at: string;
}
const DATA_FIELDS = ['created_at', 'expires_at', 'key', 'key_id', 'name', 'prefix', 'scopes'];

function expectError(r: Reply, status: number, code: string, message?: RegExp) {
  expect(r.status).toBe(status);
  expect(r.body).toEqual({ success: false, error: { code, message: expect.any(String), request_id: r.headers.get('x-request-id') } });
  if (message) expect(r.body.error.message).toMatch(message);
}

describeEachDb('seed 05: Wubble POST /v1/apikeys', (driver) => {
  let s: TestServer;
  let owner: Awaited<ReturnType<typeof signUp>>;
  const secrets: string[] = [];

  const mint = async (body: unknown, headers: Record<string, string> = bearer(owner.token)) => {
    const r = await call(s.url, 'POST', '/v1/apikeys', { headers, body });
    if (r.status === 200) secrets.push(r.body.data.key);
    return r;
  };
  const keysNamed = async (name: string) => s.handle.db.select({ id: keys.id }).from(keys).where(eq(keys.name, name));

  beforeAll(async () => {
    s = await startTestServer(driver, { KEYWARD_OPEN_SIGNUP: 'true' });
    owner = await signUp(s.url, uniqueEmail('wubble'), 'Wubble Owner');
  });
  afterAll(() => s.close());

  it("answers the seed's example request as written (host swapped), field by field", async () => {
    const res = await fetch(`${s.url}/v1/apikeys`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${owner.token}`,
        'Idempotency-Key': randomUUID(),
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ name: 'CI usage reader', scopes: ['analytics:read', 'webhooks:manage'], expires_in_days: 90 }),
    });
    const payload = (await res.json()) as { success: boolean; data: WubbleKey };
    expect(res.status).toBe(200);
    expect(Object.keys(payload)).toEqual(['success', 'data']);
    expect(payload.success).toBe(true);
    const d = payload.data;
    secrets.push(d.key);
    expect(Object.keys(d).sort()).toEqual(DATA_FIELDS);
    expect(d.key_id).toMatch(/^key_/);
    expect(d.name).toBe('CI usage reader');
    expect(d.key).toMatch(/^wbk_[0-9A-Za-z]+$/);
    expect(parseKey(d.key)).toMatchObject({ ok: true, prefix: 'wbk' });
    expect(d.prefix).toMatch(/^wbk_[0-9A-Za-z]{4}$/);
    expect(d.key.startsWith(d.prefix)).toBe(true);
    expect(d.scopes).toEqual(['analytics:read', 'webhooks:manage']);
    expect(Math.abs(Date.parse(d.expires_at) - Date.parse(d.created_at) - 90 * DAY)).toBeLessThan(5000);
    expect(Math.abs(Date.parse(d.created_at) - Date.now())).toBeLessThan(60_000);
    const [row] = await s.handle.db.select().from(keys).where(eq(keys.id, d.key_id));
    expect(row).toMatchObject({ source: 'wubble', prefix: 'wbk', start: d.prefix, userId: owner.userId });
  });

  it('takes the dashboard cookie too; omitted scopes mean full access ["*"] and no expiry', async () => {
    const r = await mint({ name: 'full access' }, betterAuthCookie(owner.token));
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({ scopes: ['*'], expires_at: null });
    // Full access reaches the org-key surface, writes included.
    const used = await call(s.url, 'POST', '/v1/api-keys', { headers: bearer(r.body.data.key), body: { name: 'via wubble key', scope: 'read-write' } });
    expect(used.status).toBe(200);
    secrets.push(used.body.data.key);
  });

  it('refuses API-key callers with 403, whichever header carries the key, and mints nothing', async () => {
    const key = (await mint({ name: 'a key that tries' })).body.data.key as string;
    for (const headers of [bearer(key), { 'x-api-key': key }]) {
      const r = await mint({ name: 'minted by a key' }, headers);
      expectError(r, 403, 'FORBIDDEN', /API keys cannot mint keys here/);
    }
    expect(await keysNamed('minted by a key')).toHaveLength(0);
  });

  it('answers 401 without credentials or with unknown ones', async () => {
    expectError(await mint({ name: 'x' }, {}), 401, 'UNAUTHORIZED');
    expectError(await mint({ name: 'x' }, bearer('no-such-session')), 401, 'UNAUTHORIZED');
  });

  it('replays the identical response for the same Idempotency-Key and body, stored encrypted', async () => {
    const idem = { ...bearer(owner.token), 'Idempotency-Key': randomUUID() };
    const body = { name: 'idempotent', scopes: ['analytics:read'], expires_in_days: 7 };
    const first = await mint(body, idem);
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    // Same request with its fields in another order: still the same request.
    const again = await mint({ expires_in_days: 7, scopes: ['analytics:read'], name: 'idempotent' }, idem);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.text).toBe(first.text);
    expect(await keysNamed('idempotent')).toHaveLength(1);

    const records = await s.handle.db.select().from(idempotencyRecords).where(eq(idempotencyRecords.userId, owner.userId));
    expect(records.length).toBeGreaterThan(0);
    expect(JSON.stringify(records)).not.toContain(first.body.data.key);
    for (const r of records) expect(r.idempotencyKey === idem['Idempotency-Key'] ? r.state : 'done').toBe('done');
  });

  it('refuses the same Idempotency-Key with a different body (422) and scopes keys per user', async () => {
    const key = randomUUID();
    const first = await mint({ name: 'original' }, { ...bearer(owner.token), 'Idempotency-Key': key });
    expect(first.status).toBe(200);
    const changed = await mint({ name: 'changed' }, { ...bearer(owner.token), 'Idempotency-Key': key });
    expectError(changed, 422, 'UNPROCESSABLE', /different request/);
    expect(await keysNamed('changed')).toHaveLength(0);

    const other = await signUp(s.url, uniqueEmail('other'), 'Other');
    const theirs = await mint({ name: 'original' }, { ...bearer(other.token), 'Idempotency-Key': key });
    expect(theirs.status).toBe(200);
    expect(theirs.body.data.key_id).not.toBe(first.body.data.key_id);
  });

  it('mints exactly one key for simultaneous duplicates, and all of them get its response', async () => {
    const idem = { ...bearer(owner.token), 'Idempotency-Key': randomUUID() };
    const replies = await Promise.all(Array.from({ length: 6 }, () => mint({ name: 'raced', scopes: ['webhooks:manage'] }, idem)));
    for (const r of replies) expect(r.status).toBe(200);
    expect(new Set(replies.map((r) => r.text)).size).toBe(1);
    expect(replies.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(5);
    expect(await keysNamed('raced')).toHaveLength(1);
  });

  it('releases the Idempotency-Key when the request fails, so a corrected retry can succeed', async () => {
    const idem = { ...bearer(owner.token), 'Idempotency-Key': randomUUID() };
    const bad = await mint({ name: 'retried', scopes: ['Not A Scope'] }, idem);
    expectError(bad, 400, 'BAD_REQUEST', /scopes/);
    expectError(await mint({ name: 'retried', scopes: ['Not A Scope'] }, idem), 400, 'BAD_REQUEST', /scopes/);
    const good = await mint({ name: 'retried', scopes: ['analytics:read'] }, idem);
    expect(good.status).toBe(200);
    expect(await keysNamed('retried')).toHaveLength(1);
  });

  it('validates the Idempotency-Key header', async () => {
    for (const value of ['x'.repeat(256), 'caf\u00e9-key']) {
      const r = await mint({ name: 'bad idem' }, { ...bearer(owner.token), 'Idempotency-Key': value });
      expectError(r, 400, 'BAD_REQUEST', /Idempotency-Key/);
    }
    expect((await mint({ name: 'max idem' }, { ...bearer(owner.token), 'Idempotency-Key': 'k'.repeat(255) })).status).toBe(200);
    expect(await keysNamed('bad idem')).toHaveLength(0);
  });

  it('rejects bad input with a 4xx naming the field, never a 500', async () => {
    const cases: [unknown, RegExp][] = [
      [{}, /^name: is required/],
      [{ name: 42 }, /^name: must be a string/],
      [{ name: 'x'.repeat(10_000) }, /^name: must be at most 200/],
      [{ name: 'x', scopes: 'analytics:read' }, /^scopes: must be an array/],
      [{ name: 'x', scopes: [] }, /^scopes: must not be empty/],
      [{ name: 'x', scopes: [7] }, /^scopes\.0: must be a string/],
      [{ name: 'x', scopes: ['analytics:read', 'a\u0000:read'] }, /^scopes\.1: must not contain NUL/],
      [{ name: 'x', scopes: ['analytics read'] }, /^scopes: invalid scope/],
      [{ name: 'x', scopes: Array.from({ length: 65 }, (_, i) => `s${i}:read`) }, /^scopes/],
      [{ name: 'x', expires_in_days: 0 }, /^expires_in_days: must be at least 1/],
      [{ name: 'x', expires_in_days: 1.5 }, /^expires_in_days: must be a whole number/],
      [{ name: 'x', expires_in_days: '90' }, /^expires_in_days: must be a number/],
      [{ name: 'x', expires_in_days: 100_000 }, /^expires_in_days: must be at most 3650/],
    ];
    for (const [body, message] of cases) expectError(await mint(body), 400, 'BAD_REQUEST', message);
    const malformed = await call(s.url, 'POST', '/v1/apikeys', { headers: bearer(owner.token), raw: '{"name":' });
    expectError(malformed, 400, 'BAD_REQUEST', /JSON/);
    const deep = `{"name":"x","scopes":${'['.repeat(40_000)}${']'.repeat(40_000)}}`;
    expectError(await call(s.url, 'POST', '/v1/apikeys', { headers: bearer(owner.token), raw: deep }), 400, 'BAD_REQUEST', /^scopes\.0/);
    const huge = await mint({ name: 'x', pad: 'y'.repeat(200_000) });
    expectError(huge, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('keeps every minted secret out of the logs and the audit log', async () => {
    expect(secrets.length).toBeGreaterThan(5);
    const logs = s.logs();
    const audit = JSON.stringify(await s.handle.db.select().from(auditLog));
    for (const secret of secrets) {
      expect(logs).not.toContain(secret);
      expect(audit).not.toContain(secret);
    }
    expect(logs).not.toMatch(/"status":5\d\d/);
  });
});
