import { type IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { keys } from '@keyward/db';
import { describeEachDb } from '@keyward/db/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { securityHeaders } from '../../http/security-headers';
import { call } from '../../test-support/http';
import type { TestServer } from '../../test-support/server';
import { startUnkeyServer } from '../../test-support/unkey';

const PATH = '/v1/keys.verifyKey';
const PROBE = 'x-probe';

// The real fast path, wrapped to note which requests it handed on to Express: answers alone
// cannot tell the two paths apart, which is the point of the equivalence being tested.
const handedOn = vi.hoisted(() => new Set<string>());
vi.mock('../../http/fast-json-route', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../http/fast-json-route')>();
  return {
    ...real,
    fastJsonRoute: (...args: Parameters<typeof real.fastJsonRoute>): ReturnType<typeof real.fastJsonRoute> => {
      const inner = real.fastJsonRoute(...args);
      return (req, res) => {
        const claimed = inner(req, res);
        const probe = req.headers[PROBE];
        if (!claimed && typeof probe === 'string') handedOn.add(probe);
        return claimed;
      };
    },
  };
});
let probes = 0;

/** How a request is framed: only `plain` is one the fast path claims. */
type Framing = 'plain' | 'cookie' | 'chunked';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: answers are read field by field
  body: any;
  /** Served by the fast path rather than handed on to Express. */
  fast: boolean;
}

// The helmet headers every answer must carry, whichever path served it.
const SECURITY_HEADERS: string[] = [];
securityHeaders().middleware({} as never, { setHeader: (name: string) => SECURITY_HEADERS.push(name.toLowerCase()) } as never, () => {});

/** An answer without what differs from one request to the next: its id, and the allowance the previous ones used. */
function comparable(body: unknown): unknown {
  if (body === null || typeof body !== 'object') return body;
  const { requestId: _top, ...rest } = body as Record<string, unknown>;
  if (rest.error && typeof rest.error === 'object') {
    const { requestId: _nested, ...error } = rest.error as Record<string, unknown>;
    return { ...rest, error };
  }
  if (rest.ratelimit && typeof rest.ratelimit === 'object') {
    const { remaining: _left, ...ratelimit } = rest.ratelimit as Record<string, unknown>;
    return { ...rest, ratelimit };
  }
  return rest;
}

const requestIdOf = (a: Answer): unknown => a.body?.requestId ?? a.body?.error?.requestId;

describeEachDb('keys.verifyKey fast path', (driver) => {
  let s: TestServer;
  let rootKey: string;
  let apiId: string;
  const secrets: string[] = [];

  beforeAll(async () => {
    ({ server: s, rootKey, apiId } = await startUnkeyServer(driver, 'fast path'));
    secrets.push(rootKey);
  });
  afterAll(() => s.close());

  async function rootCall(path: string, body: Record<string, unknown>) {
    const r = await call(s.url, 'POST', path, { headers: { Authorization: `Bearer ${rootKey}` }, body });
    expect(r.status, r.text).toBe(200);
    return r.body;
  }

  async function createKey(body: Record<string, unknown> = {}) {
    const k = (await rootCall('/v1/keys.createKey', { apiId, ...body })) as { keyId: string; key: string };
    secrets.push(k.key);
    return k;
  }

  function send(framing: Framing, raw: string | Buffer, headers: Record<string, string> = {}): Promise<Answer> {
    const bytes = Buffer.from(raw);
    const h: Record<string, string> = { 'Content-Type': 'application/json', [PROBE]: `probe-${probes++}`, ...headers };
    if (framing === 'cookie') h.Cookie = 'x=1';
    if (framing === 'chunked') h['Transfer-Encoding'] = 'chunked';
    else h['Content-Length'] = String(bytes.length);
    const url = new URL(s.url);
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: url.hostname, port: url.port, method: 'POST', path: PATH, headers: h }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // Kept as text for the assertion to show.
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body, fast: !handedOn.has(h[PROBE] as string) });
        });
      });
      req.on('error', reject);
      if (framing === 'chunked') {
        // Two chunks, so the regular route really reassembles a streamed body.
        const half = bytes.length >> 1;
        req.write(bytes.subarray(0, half));
        req.end(bytes.subarray(half));
      } else {
        req.end(bytes);
      }
    });
  }

  /** Sends the same body once per framing (plain first) and expects the same answer from each. */
  async function expectSameEverywhere(raw: string | Buffer, headers: Record<string, string> = {}): Promise<[Answer, Answer, Answer]> {
    const fast = await send('plain', raw, headers);
    const all: [Answer, Answer, Answer] = [fast, fast, fast];
    expect(fast.fast, 'plain request served by the fast path').toBe(true);
    const ids = new Set<unknown>();
    for (const [i, framing] of (['cookie', 'chunked'] as const).entries()) {
      const regular = await send(framing, raw, headers);
      all[i + 1] = regular;
      expect(regular.fast, `${framing} request served by Express`).toBe(false);
      expect(regular.status, framing).toBe(fast.status);
      expect(comparable(regular.body), framing).toEqual(comparable(fast.body));
      expect(regular.headers['content-type'], framing).toBe(fast.headers['content-type']);
      for (const name of SECURITY_HEADERS) expect(regular.headers[name], `${framing} ${name}`).toBe(fast.headers[name]);
      expect(requestIdOf(regular)).toBe(regular.headers['x-request-id']);
      ids.add(requestIdOf(regular));
    }
    expect(fast.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(fast.headers['content-length']).toBe(String(Buffer.byteLength(fast.text)));
    expect(requestIdOf(fast)).toMatch(/^req_/);
    expect(requestIdOf(fast)).toBe(fast.headers['x-request-id']);
    ids.add(requestIdOf(fast));
    expect(ids.size).toBe(3);
    return all;
  }

  const first = async (raw: string | Buffer) => (await expectSameEverywhere(raw))[0];

  it('answers a valid key the same on both paths', async () => {
    const k = await createKey({ name: 'both ways', meta: { plan: 'pro' }, permissions: ['a'] });
    const answers = await expectSameEverywhere(JSON.stringify({ key: k.key }));
    expect(answers[0].status).toBe(200);
    expect(answers[0].body).toMatchObject({ valid: true, code: 'VALID', keyId: k.keyId, name: 'both ways', meta: { plan: 'pro' }, permissions: ['a'] });
    // Each path used the key's ratelimit once, in turn.
    const left = answers.map((a) => a.body.ratelimit.remaining as number);
    expect(left).toEqual([left[0], (left[0] as number) - 1, (left[0] as number) - 2]);
  });

  it('answers a disabled, a revoked and an unknown key the same on both paths', async () => {
    const disabled = await createKey();
    await rootCall('/v1/keys.updateKey', { keyId: disabled.keyId, enabled: false });
    expect((await first(JSON.stringify({ key: disabled.key }))).body).toMatchObject({ valid: false, code: 'DISABLED' });

    const revoked = await createKey();
    await rootCall('/v1/keys.deleteKey', { keyId: revoked.keyId });
    expect((await first(JSON.stringify({ key: revoked.key }))).body).toMatchObject({ valid: false });

    expect((await first(JSON.stringify({ key: 'kw_notakey' }))).body).toEqual({
      valid: false,
      code: 'NOT_FOUND',
      requestId: expect.stringMatching(/^req_/),
    });
  });

  it('answers a permission query that fails, and one that is malformed, the same on both paths', async () => {
    const k = await createKey({ permissions: ['a'] });
    const [denied] = await expectSameEverywhere(JSON.stringify({ key: k.key, authorization: { permissions: { and: ['a', 'b'] } } }));
    expect(denied.status).toBe(200);
    expect(denied.body).toMatchObject({ valid: false, code: 'INSUFFICIENT_PERMISSIONS' });

    const [malformed] = await expectSameEverywhere(JSON.stringify({ key: k.key, authorization: { permissions: { and: ['a'], or: ['b'] } } }));
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('authorization.permissions') });
  });

  it('refuses a bad field and malformed JSON the same on both paths', async () => {
    const k = await createKey();
    const [badField] = await expectSameEverywhere(JSON.stringify({ key: k.key, remaining: { cost: -1 } }));
    expect(badField.status).toBe(400);
    expect(badField.body.error).toEqual({
      code: 'BAD_REQUEST',
      docs: 'https://unkey.dev/docs/api-reference/errors/code/BAD_REQUEST',
      message: expect.stringContaining('remaining.cost'),
      requestId: expect.stringMatching(/^req_/),
    });

    const [malformed] = await expectSameEverywhere('{"key": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatchObject({ code: 'BAD_REQUEST', message: 'Request body is not valid JSON' });
  });

  it('reads the edges of JSON the way express.json does', async () => {
    const k = await createKey();
    // A byte-order mark, which express.json's decoder drops.
    const [bom] = await expectSameEverywhere(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ key: k.key }))]));
    expect(bom.body.code).toBe('VALID');
    // An empty body, which express.json reads as {}.
    expect((await first('')).status).toBe(400);
    // Scalars at the top level, which express.json's strict mode refuses before parsing.
    for (const scalar of ['"a string"', 'null', '42', ' true']) expect((await first(scalar)).status, scalar).toBe(400);
    // Whitespace around the body, and an array, which strict mode allows.
    expect((await first(`\r\n\t ${JSON.stringify({ key: k.key })} \n`)).body.code).toBe('VALID');
    expect((await first(`[${JSON.stringify(k.key)}]`)).status).toBe(400);
  });

  it('writes one access-log line per fast-path request, named by its route', async () => {
    const k = await createKey();
    const ok = await send('plain', JSON.stringify({ key: k.key }), { 'x-request-id': 'req-fast-log-ok' });
    const bad = await send('plain', '{"key": ', { 'x-request-id': 'req-fast-log-bad' });
    expect(ok.fast).toBe(true);
    expect(bad.fast).toBe(true);

    const lines = () =>
      s
        .logs()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    await vi.waitFor(() => expect(lines().filter((l) => l.requestId === 'req-fast-log-bad')).toHaveLength(1));
    for (const [id, status] of [
      ['req-fast-log-ok', 200],
      ['req-fast-log-bad', 400],
    ] as const) {
      const mine = lines().filter((l) => l.requestId === id);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ msg: 'request', method: 'POST', route: PATH, status, caller: 'anonymous', durationMs: expect.any(Number) });
    }
  });

  it('counts fast-path requests in /metrics under the route pattern', async () => {
    const count = async (status: string) => {
      const r = await call(s.url, 'GET', '/metrics');
      expect(r.status).toBe(200);
      const line = (r.text as string)
        .split('\n')
        .find(
          (l) =>
            l.startsWith('keyward_http_requests_total{') && l.includes(`route="${PATH}"`) && l.includes('method="POST"') && l.includes(`status="${status}"`),
        );
      return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
    };
    const k = await createKey();
    const before = { ok: await count('200'), bad: await count('400') };
    for (let i = 0; i < 3; i++) expect((await send('plain', JSON.stringify({ key: k.key }))).fast).toBe(true);
    const bad = await send('plain', '{"key": ');
    expect(bad.fast).toBe(true);
    expect(bad.status).toBe(400);
    // Exact deltas: a request observed twice, or not at all, changes them.
    await vi.waitFor(async () => expect(await count('200')).toBe(before.ok + 3));
    expect(await count('400')).toBe(before.bad + 1);
  });

  it('records the client address and agent alike on both paths, trusting X-Forwarded-For only when configured', async () => {
    const lastUse = async (server: TestServer, keyId: string) => {
      await server.services.usage.flush();
      const [row] = await server.services.handle.db
        .select({ ip: keys.lastUsedIp, userAgent: keys.lastUsedUserAgent })
        .from(keys)
        .where(eq(keys.id, keyId));
      return row;
    };
    const spoofed = { 'X-Forwarded-For': '203.0.113.9' };
    for (const framing of ['plain', 'cookie'] as const) {
      const k = await createKey({ name: `address ${framing}` });
      const a = await send(framing, JSON.stringify({ key: k.key }), { ...spoofed, 'User-Agent': `agent/${framing}` });
      expect(a.fast).toBe(framing === 'plain');
      // Not behind a trusted proxy: the header is the client's word, so the socket's address counts.
      expect(await lastUse(s, k.keyId)).toEqual({ ip: expect.stringMatching(/127\.0\.0\.1$/), userAgent: `agent/${framing}` });
    }

    const behindProxy = await startUnkeyServer(driver, 'proxied', { KEYWARD_TRUST_PROXY: 'true' });
    try {
      const root = { Authorization: `Bearer ${behindProxy.rootKey}` };
      for (const extra of [{}, { Cookie: 'x=1' }] as Record<string, string>[]) {
        const made = await call(behindProxy.server.url, 'POST', '/v1/keys.createKey', { headers: root, body: { apiId: behindProxy.apiId } });
        const r = await call(behindProxy.server.url, 'POST', PATH, { headers: { ...spoofed, ...extra }, body: { key: made.body.key } });
        expect(r.body.valid).toBe(true);
        expect((await lastUse(behindProxy.server, made.body.keyId))?.ip).toBe('203.0.113.9');
      }
    } finally {
      await behindProxy.server.close();
    }
  });

  it('never logs a verified secret', () => {
    for (const secret of secrets) expect(s.logs()).not.toContain(secret);
  });
});
