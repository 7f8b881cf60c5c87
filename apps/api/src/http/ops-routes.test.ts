import { createTestDb, describeEachDb } from '@keyward/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkReadiness } from '../services/readiness';
import { bearer, call, signUp } from '../test-support/http';
import { startTestServer, type TestServer } from '../test-support/server';
import { mintRootKey } from '../test-support/unkey';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A strict reader of the text exposition format: every line is a comment or a well-formed sample. */
function parseExposition(text: string) {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') types.set(meta[2] as string, meta[3] as string);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (m[2] ?? '').match(/[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"/g) ?? []) {
      const eq = pair.indexOf('=');
      labels[pair.slice(0, eq)] = pair.slice(eq + 2, -1);
    }
    const value = Number(m[3]);
    if (Number.isNaN(value)) throw new Error(`not a number: ${line}`);
    samples.push({ name: m[1] as string, labels, value });
  }
  return { types, samples, of: (name: string) => samples.filter((s) => s.name === name) };
}

describeEachDb('readiness and metrics', (driver) => {
  let s: TestServer;
  let rootKey: string;

  beforeAll(async () => {
    s = await startTestServer(driver);
    const owner = await signUp(s.url);
    rootKey = (await mintRootKey(s.url, owner.token)).key;
  });
  afterAll(() => s.close());

  it('is ready on a migrated, reachable database with notifications flowing', async () => {
    const r = await call(s.url, 'GET', '/readyz');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'ok', listener: 'ok' } });
  });

  it('publishes every family in valid exposition format, labelled by route pattern', async () => {
    await call(s.url, 'POST', '/v1/keys.verifyKey', { body: { key: rootKey } });
    await call(s.url, 'POST', '/v1/keys.verifyKey', { body: { key: rootKey } });
    await call(s.url, 'POST', '/v1/keys.verifyKey', { body: { key: 'kw_notakey' } });
    await call(s.url, 'GET', '/v1/api-keys', { headers: bearer(rootKey) });
    // A key change is broadcast through NOTIFY and heard by this instance too.
    const { key: doomed } = await mintRootKey(s.url, rootKey, 'read');
    await call(s.url, 'POST', '/v1/keys.verifyKey', { body: { key: doomed } });

    let m = parseExposition('');
    for (let i = 0; i < 50; i++) {
      const r = await call(s.url, 'GET', '/metrics');
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      m = parseExposition(r.text);
      if ((m.of('keyward_notification_lag_seconds_count')[0]?.value ?? 0) > 0) break;
      await new Promise((res) => setTimeout(res, 20));
    }

    expect(Object.fromEntries(m.types)).toMatchObject({
      keyward_http_requests_total: 'counter',
      keyward_http_request_duration_seconds: 'histogram',
      keyward_verifications_total: 'counter',
      keyward_key_cache_hit_ratio: 'gauge',
      keyward_usage_pending: 'gauge',
      keyward_notification_lag_seconds: 'histogram',
      keyward_notification_listener_connected: 'gauge',
    });
    const verify = m.of('keyward_http_requests_total').find((x) => x.labels.route === '/v1/keys.verifyKey');
    expect(verify?.labels).toEqual({ method: 'POST', route: '/v1/keys.verifyKey', status: '200' });
    expect(verify?.value).toBeGreaterThanOrEqual(3);
    // Route patterns, never raw paths with ids in them.
    expect(m.of('keyward_http_requests_total').every((x) => !x.labels.route?.includes('key_'))).toBe(true);

    const buckets = m.of('keyward_http_request_duration_seconds_bucket').filter((x) => x.labels.route === '/v1/keys.verifyKey');
    expect(buckets.at(-1)?.labels.le).toBe('+Inf');
    expect(buckets.map((b) => b.value)).toEqual([...buckets.map((b) => b.value)].sort((a, b) => a - b));

    const outcomes = Object.fromEntries(m.of('keyward_verifications_total').map((x) => [x.labels.outcome, x.value]));
    expect(outcomes.VALID).toBeGreaterThanOrEqual(3);
    expect(outcomes.NOT_FOUND).toBeGreaterThanOrEqual(1);

    const ratio = m.of('keyward_key_cache_hit_ratio')[0]?.value ?? -1;
    expect(ratio).toBeGreaterThan(0);
    expect(ratio).toBeLessThanOrEqual(1);
    expect(m.of('keyward_usage_pending')[0]?.value).toBeGreaterThan(0);
    expect(m.of('keyward_notification_lag_seconds_count')[0]?.value).toBeGreaterThan(0);
    expect(m.of('keyward_notification_listener_connected')[0]?.value).toBe(1);
  });

  it('reports pending migrations on a database nothing was applied to', async () => {
    const empty = await createTestDb(driver, { migrated: false });
    try {
      const r = await checkReadiness(empty);
      expect(r.ready).toBe(false);
      expect(r.checks.database.ok).toBe(true);
      expect(r.checks.migrations).toMatchObject({ ok: false, detail: expect.stringMatching(/not applied/) });
    } finally {
      await empty.close();
    }
  });
});

describeEachDb('readiness without a database', (driver) => {
  it('answers 503 naming the failing check, and logs why', async () => {
    const s = await startTestServer(driver);
    try {
      await s.handle.close();
      const r = await call(s.url, 'GET', '/readyz');
      expect(r.status).toBe(503);
      expect(r.body.status).toBe('not_ready');
      expect(r.body.checks.database).toBe('fail');
      expect(s.logs()).toContain('not ready');
    } finally {
      await s.close().catch(() => {});
    }
  });
});

describe('metrics restriction', () => {
  it('puts /readyz behind its own token when KEYWARD_READYZ_TOKEN is set', async () => {
    const s = await startTestServer('pglite', { KEYWARD_READYZ_TOKEN: 'readyz-token-0123456789' });
    try {
      expect((await call(s.url, 'GET', '/readyz')).status).toBe(401);
      expect((await call(s.url, 'GET', '/readyz', { headers: bearer('readyz-token-wrong-00000') })).status).toBe(401);
      const ok = await call(s.url, 'GET', '/readyz', { headers: bearer('readyz-token-0123456789') });
      expect(ok.status).toBe(200);
      expect(ok.body.status).toBe('ready');
    } finally {
      await s.close();
    }
  });

  it('requires the configured bearer token', async () => {
    const s = await startTestServer('pglite', { KEYWARD_METRICS_TOKEN: 'metrics-token-0123456789' });
    try {
      expect((await call(s.url, 'GET', '/metrics')).status).toBe(401);
      expect((await call(s.url, 'GET', '/metrics', { headers: bearer('metrics-token-wrong-0000') })).status).toBe(401);
      const ok = await call(s.url, 'GET', '/metrics', { headers: bearer('metrics-token-0123456789') });
      expect(ok.status).toBe(200);
      expect(ok.text).toContain('# TYPE keyward_http_requests_total counter');
    } finally {
      await s.close();
    }
  });

  it('is absent when disabled, while readiness still answers', async () => {
    const s = await startTestServer('pglite', { KEYWARD_METRICS_DISABLED: 'true' });
    try {
      expect((await call(s.url, 'GET', '/metrics')).status).toBe(404);
      expect((await call(s.url, 'GET', '/readyz')).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});
