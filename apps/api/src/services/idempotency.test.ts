import { randomBytes } from 'node:crypto';
import { idempotencyRecords, users } from '@keyward/db';
import { createTestDb, describeEachDb, type TestDb } from '@keyward/db/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ServiceError } from './errors';
import { createIdempotencyService } from './idempotency';
import { createSecretBox } from './secret-box';

const HOUR = 3_600_000;

describeEachDb('idempotency service', (driver) => {
  let t: TestDb;
  const userId = 'usr_idem';
  const box = createSecretBox(randomBytes(32));
  let clock = Date.UTC(2030, 0, 1);
  const now = () => clock;
  let n = 0;
  const request = (body: unknown = { name: 'k' }) => ({ userId, key: `idem-${n++}`, route: 'POST /v1/apikeys', body });
  const counter = () => {
    let calls = 0;
    return { exec: async () => ({ status: 200, body: { call: ++calls } }), calls: () => calls };
  };

  beforeAll(async () => {
    t = await createTestDb(driver);
    await t.db.insert(users).values({ id: userId, email: 'idem@example.com', name: 'Idem', passwordHash: 'x' });
  });
  afterAll(() => t.close());

  it('replays for 24 hours, then treats the key as new', async () => {
    const svc = createIdempotencyService(t.db, box, { now });
    const req = request();
    const c = counter();
    expect(await svc.run(req, c.exec)).toEqual({ status: 200, body: { call: 1 }, replayed: false });
    clock += 23 * HOUR;
    expect(await svc.run(req, c.exec)).toEqual({ status: 200, body: { call: 1 }, replayed: true });
    clock += 2 * HOUR;
    expect(await svc.run(req, c.exec)).toEqual({ status: 200, body: { call: 2 }, replayed: false });
  });

  it('stores the response sealed, never in clear', async () => {
    const svc = createIdempotencyService(t.db, box, { now });
    const req = request();
    await svc.run(req, async () => ({ status: 200, body: { key: 'wbk_secret_marker' } }));
    const [row] = await t.db.select().from(idempotencyRecords).where(eq(idempotencyRecords.idempotencyKey, req.key));
    expect(row?.state).toBe('done');
    expect(JSON.stringify(row)).not.toContain('wbk_secret_marker');
  });

  it('replays across instances that share the configured encryption key', async () => {
    const req = request();
    await createIdempotencyService(t.db, box, { now }).run(req, counter().exec);
    const other = await createIdempotencyService(t.db, createSecretBox(randomBytes(32)), { now })
      .run(req, counter().exec)
      .catch((e: unknown) => e);
    // A process with another (e.g. ephemeral) key cannot open it: 409, and nothing is minted again.
    expect(other).toBeInstanceOf(ServiceError);
    expect(other).toMatchObject({ code: 'CONFLICT', field: 'Idempotency-Key' });
    const same = createIdempotencyService(t.db, box, { now });
    const c = counter();
    expect(await same.run(req, c.exec)).toMatchObject({ replayed: true, body: { call: 1 } });
    expect(c.calls()).toBe(0);
  });

  it('makes a duplicate wait for the first request, and gives up with 409 if it never finishes', async () => {
    const svc = createIdempotencyService(t.db, box, { now, waitMs: 150, pollMs: 10 });
    const req = request();
    let finish: () => void = () => {};
    const first = svc.run(req, () => new Promise((resolve) => (finish = () => resolve({ status: 200, body: { first: true } }))));
    await new Promise((r) => setTimeout(r, 30));
    const waiting = svc.run(req, counter().exec);
    await new Promise((r) => setTimeout(r, 30));
    finish();
    expect(await first).toMatchObject({ replayed: false });
    expect(await waiting).toMatchObject({ replayed: true, body: { first: true } });

    // Wall-clock deadline for the wait: a real timer, not the fake clock.
    const stuck = createIdempotencyService(t.db, box, { waitMs: 100, pollMs: 10 });
    const req2 = request();
    void stuck.run(req2, () => new Promise(() => {}));
    await new Promise((r) => setTimeout(r, 30));
    await expect(stuck.run(req2, counter().exec)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('takes over a claim abandoned by a process that died mid-request', async () => {
    const svc = createIdempotencyService(t.db, box, { now, pendingLeaseMs: 60_000, waitMs: 50, pollMs: 10 });
    const req = request();
    void svc.run(req, () => new Promise(() => {}));
    await new Promise((r) => setTimeout(r, 30));
    await expect(svc.run(req, counter().exec)).rejects.toMatchObject({ code: 'CONFLICT' });
    clock += 61_000;
    expect(await svc.run(req, counter().exec)).toMatchObject({ replayed: false, body: { call: 1 } });
  });

  it('rejects malformed keys and a reused key with another body', async () => {
    const svc = createIdempotencyService(t.db, box, { now });
    for (const key of ['', 'x'.repeat(256), 'tab\there', 'line\nbreak', 'caf\u00e9']) {
      await expect(svc.run({ ...request(), key }, counter().exec)).rejects.toMatchObject({ code: 'BAD_REQUEST', field: 'Idempotency-Key' });
    }
    const req = request({ name: 'a', scopes: ['x:read'] });
    await svc.run(req, counter().exec);
    await expect(svc.run({ ...req, body: { name: 'b' } }, counter().exec)).rejects.toMatchObject({ code: 'UNPROCESSABLE' });
    await expect(svc.run({ ...req, route: 'POST /elsewhere' }, counter().exec)).rejects.toMatchObject({ code: 'UNPROCESSABLE' });
    expect(await svc.run({ ...req, body: { scopes: ['x:read'], name: 'a' } }, counter().exec)).toMatchObject({ replayed: true });
  });
});
