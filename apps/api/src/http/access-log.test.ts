import { describeEachDb } from '@keyward/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, call, signUp } from '../test-support/http';
import { startTestServer, type TestServer } from '../test-support/server';
import { mintRootKey } from '../test-support/unkey';
import { prettyLine } from './pretty-log';

const lines = (s: TestServer) =>
  s
    .logs()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describeEachDb('access log', (driver) => {
  let s: TestServer;
  let owner: Awaited<ReturnType<typeof signUp>>;

  beforeAll(async () => {
    s = await startTestServer(driver);
    owner = await signUp(s.url);
  });
  afterAll(() => s.close());

  it('writes one JSON line per key-authenticated request: id, route, status, duration, caller and key id, no secret', async () => {
    const root = await mintRootKey(s.url, owner.token);
    const r = await call(s.url, 'GET', '/v1/api-keys', { headers: { ...bearer(root.key), 'x-request-id': 'req-access-log-test' } });
    expect(r.status).toBe(200);

    const mine = lines(s).filter((l) => l.requestId === 'req-access-log-test');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      msg: 'request',
      method: 'GET',
      route: '/v1/api-keys',
      status: 200,
      caller: 'key',
      keyId: root.id,
      durationMs: expect.any(Number),
    });
    const raw = s.logs();
    expect(raw).not.toContain(root.key);
    expect(raw).not.toContain(owner.token);
  });

  it('names the user for a session caller and never logs the cookie', async () => {
    await call(s.url, 'GET', '/api/auth/get-session', { headers: { Cookie: `better-auth.session_token=${owner.token}`, 'x-request-id': 'req-cookie' } });
    const [line] = lines(s).filter((l) => l.requestId === 'req-cookie');
    expect(line).toMatchObject({ status: 200, route: expect.stringContaining('/api/auth') });
    expect(line).not.toHaveProperty('keyId');
    expect(s.logs()).not.toContain(owner.token);
  });
});

describe('development log format', () => {
  it('renders a JSON line as time, level, message and fields', () => {
    const out = prettyLine(JSON.stringify({ level: 40, time: Date.UTC(2026, 0, 1, 12, 0, 0), msg: 'slow', route: '/v1/x', status: 200 }));
    expect(out).toContain('12:00:00.000');
    expect(out).toContain('WARN');
    expect(out).toContain('slow');
    expect(out).toContain('route=/v1/x');
    expect(out).toContain('status=200');
  });

  it('passes a line that is not JSON through unchanged', () => {
    expect(prettyLine('plain text')).toBe('plain text');
  });
});
