import { verificationCounts } from '@keyward/db';
import { describeEachDb } from '@keyward/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bearer, call, signUp, uniqueEmail } from '../../test-support/http';
import { startTestServer, type TestServer } from '../../test-support/server';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describeEachDb('keys.usage', (driver) => {
  let s: TestServer;
  let owner: Awaited<ReturnType<typeof signUp>>;
  let keyId: string;
  let organizationId: string;

  const usage = (token: string, id: string, range: string) =>
    call(s.url, 'GET', `/trpc/keys.usage?input=${encodeURIComponent(JSON.stringify({ id, range }))}`, { headers: bearer(token) });

  beforeAll(async () => {
    s = await startTestServer(driver, { KEYWARD_OPEN_SIGNUP: 'true' });
    owner = await signUp(s.url, uniqueEmail('owner'), 'Owner');
    const created = await call(s.url, 'POST', '/trpc/keys.create', { headers: bearer(owner.token), body: { name: 'chart' } });
    keyId = created.body.result.data.key.id;
    organizationId = created.body.result.data.key.organizationId;
    const now = Date.now();
    const minute = (ms: number) => new Date(Math.floor(ms / 60_000) * 60_000);
    await s.handle.db.insert(verificationCounts).values([
      { keyId, organizationId, minute: minute(now - 5 * 60_000), outcome: 'VALID', count: 3 },
      { keyId, organizationId, minute: minute(now - 6 * 60_000), outcome: 'VALID', count: 2 },
      { keyId, organizationId, minute: minute(now - 2 * HOUR), outcome: 'RATE_LIMITED', count: 4 },
      { keyId, organizationId, minute: minute(now - 3 * DAY), outcome: 'VALID', count: 7 },
      { keyId, organizationId, minute: minute(now - 40 * DAY), outcome: 'VALID', count: 100 },
    ]);
  });
  afterAll(() => s.close());

  it('sums per hour over the last 24 hours, by outcome', async () => {
    const r = await usage(owner.token, keyId, '24h');
    expect(r.status).toBe(200);
    const data = r.body.result.data;
    expect(data).toMatchObject({ range: '24h', granularity: 'hour' });
    const total = (outcome: string) =>
      data.buckets.filter((b: { outcome: string }) => b.outcome === outcome).reduce((n: number, b: { count: number }) => n + b.count, 0);
    expect(total('VALID')).toBe(5);
    expect(total('RATE_LIMITED')).toBe(4);
    for (const b of data.buckets) expect(new Date(b.start).getTime() % HOUR).toBe(0);
    expect(new Date(data.from).getTime() % HOUR).toBe(0);
  });

  it('sums per UTC day over 7 and 30 days, leaving out older counts', async () => {
    const week = (await usage(owner.token, keyId, '7d')).body.result.data;
    expect(week.granularity).toBe('day');
    for (const b of week.buckets) expect(new Date(b.start).getTime() % DAY).toBe(0);
    const sum = (d: { buckets: { count: number }[] }) => d.buckets.reduce((n, b) => n + b.count, 0);
    expect(sum(week)).toBe(16);
    const month = (await usage(owner.token, keyId, '30d')).body.result.data;
    expect(sum(month)).toBe(16);
  });

  it('reports another organization’s key as not found and refuses unknown ranges', async () => {
    const other = await signUp(s.url, uniqueEmail('other'), 'Other');
    expect((await usage(other.token, keyId, '24h')).status).toBe(404);
    const bad = await usage(owner.token, keyId, '1y');
    expect(bad.status).toBe(400);
    expect(bad.body.error.data.field).toBe('range');
  });
});
