import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { badRequest, ServiceError } from '../services/errors';
import { fastJsonRoute } from './fast-json-route';
import { createLogger } from './logger';
import { requestId } from './request-id';
import { type FinishedRequest, requestTiming } from './request-timing';
import { securityHeaders } from './security-headers';
import { problemResponder, surfaceErrors, type ProblemRenderer } from './surface-errors';

const PATH = '/v1/keys.verifyKey';
const MAX_BYTES = 1024;

interface Seen {
  requestId: string;
  method: string;
  status: number;
  route: string | undefined;
  durationMs: number;
}

// biome-ignore lint/suspicious/noExplicitAny: replies are read field by field
const jsonOf = (res: Response): Promise<any> => res.json();

const render: ProblemRenderer = (p, requestId) => ({ error: { code: p.code, message: p.message, requestId } });

// What the regular stack sets, worked out independently of the fast path's own call.
const stackHeaders = new Map<string, string>();
securityHeaders().middleware(
  {} as never,
  { setHeader: (name: string, value: unknown) => stackHeaders.set(name.toLowerCase(), String(value)) } as never,
  () => {},
);

describe('fastJsonRoute', () => {
  let server: Server;
  let base: string;
  let port: number;
  const seen: Seen[] = [];
  const logLines: string[] = [];
  const answered: { body: unknown; requestId: string }[] = [];
  let answer: (body: unknown, req: IncomingMessage, requestId: string) => Promise<object>;

  beforeAll(async () => {
    const logger = createLogger(
      'info',
      new Writable({
        write(chunk, _enc, cb) {
          logLines.push(...String(chunk).split('\n').filter(Boolean));
          cb();
        },
      }),
    );
    const timing = requestTiming(({ requestId, method, status, durationMs, route }: FinishedRequest) => {
      seen.push({ requestId, method, status, route, durationMs });
    });
    const headers = securityHeaders();
    const app = express();
    app.disable('x-powered-by');
    // In front of the app, as createRequestListener puts it, so a request the fast path wrongly
    // half-handles shows up as a second observation or a second request id.
    const fast = fastJsonRoute(
      {
        path: PATH,
        maxBytes: MAX_BYTES,
        answer: (body, req, id) => {
          answered.push({ body, requestId: id });
          return answer(body, req, id);
        },
      },
      { timing, setSecurityHeaders: headers.set, respondWithProblem: problemResponder(logger, render) },
    );
    app.use(requestId);
    app.use(timing.middleware);
    app.use(headers.middleware);
    app.post(PATH, express.json({ limit: MAX_BYTES }), (req, res) => {
      res.json({ via: 'express', body: req.body });
    });
    app.post(`${PATH}X`, express.json(), (_req, res) => {
      res.json({ via: 'express-x' });
    });
    app.get(PATH, (_req, res) => {
      res.json({ via: 'express-get' });
    });
    app.use(surfaceErrors(logger, render));
    server = createServer((req, res) => {
      if (!fast(req, res)) app(req, res);
    }).listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    answer = async (body, _req, requestId) => ({ via: 'fast', body, requestId });
    seen.length = 0;
    logLines.length = 0;
    answered.length = 0;
  });

  const post = (body: string | Uint8Array, headers: Record<string, string> = {}, path = PATH) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });

  /** The observation of one request, once its `finish` has run on the server. */
  async function observed(id: string): Promise<Seen[]> {
    await vi.waitFor(() => expect(seen.some((s) => s.requestId === id)).toBe(true));
    // Let a wrongful second observation of the same request land too.
    await new Promise((resolve) => setTimeout(resolve, 20));
    return seen.filter((s) => s.requestId === id);
  }

  /** A request written by hand, for framings fetch does not produce (chunked). */
  function rawPost(chunks: string[], headers: Record<string, string>): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: PATH, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      for (const c of chunks) req.write(c);
      req.end();
    });
  }

  describe('claims a plain JSON POST', () => {
    it('answers it with status, JSON headers, byte length, request id and security headers', async () => {
      // Multi-byte characters, so a length counted in UTF-16 units would come out short.
      const res = await post(JSON.stringify({ key: 'clé 🔑' }));
      const text = await res.text();
      expect(res.status).toBe(200);
      expect(JSON.parse(text)).toEqual({ via: 'fast', body: { key: 'clé 🔑' }, requestId: expect.stringMatching(/^req_/) });
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
      expect(Buffer.byteLength(text)).toBeGreaterThan(text.length);
      const id = res.headers.get('x-request-id');
      expect(id).toMatch(/^req_/);
      expect(JSON.parse(text).requestId).toBe(id);

      expect(stackHeaders.get('x-content-type-options')).toBe('nosniff');
      expect(stackHeaders.has('content-security-policy')).toBe(true);
      for (const [name, value] of stackHeaders) expect(res.headers.get(name), name).toBe(value);

      const [only, ...more] = await observed(id as string);
      expect(more).toEqual([]);
      expect(only).toEqual({ requestId: id, method: 'POST', status: 200, route: PATH, durationMs: expect.any(Number) });
      expect(only?.durationMs).toBeGreaterThanOrEqual(0);
    });

    it('mints a different request id for each request', async () => {
      const a = (await post('{}')).headers.get('x-request-id');
      const b = (await post('{}')).headers.get('x-request-id');
      expect(a).toMatch(/^req_/);
      expect(b).toMatch(/^req_/);
      expect(a).not.toBe(b);
    });

    it('echoes a sane incoming x-request-id and replaces an insane one', async () => {
      const sane = await post('{}', { 'x-request-id': 'trace-123:abc.DEF_9' });
      expect(sane.headers.get('x-request-id')).toBe('trace-123:abc.DEF_9');
      expect((await jsonOf(sane)).requestId).toBe('trace-123:abc.DEF_9');

      for (const insane of ['a'.repeat(200), 'has spaces in it']) {
        const res = await post('{}', { 'x-request-id': insane });
        expect(res.status).toBe(200);
        expect((await jsonOf(res)).via).toBe('fast');
        const id = res.headers.get('x-request-id');
        expect(id).not.toBe(insane);
        expect(id).toMatch(/^req_/);
      }
    });

    it('claims a query-string suffix, an upper-case charset, identity encoding, and a body of exactly maxBytes', async () => {
      const withQuery = await post('{"a":1}', {}, `${PATH}?trace=1`);
      expect(await jsonOf(withQuery)).toMatchObject({ via: 'fast', body: { a: 1 } });

      for (const type of ['application/json; charset=UTF-8', 'Application/JSON;charset="utf-8"']) {
        const res = await post('{"a":2}', { 'Content-Type': type });
        expect(await jsonOf(res), type).toMatchObject({ via: 'fast', body: { a: 2 } });
      }

      const identity = await post('{"a":3}', { 'Content-Encoding': 'identity' });
      expect(await jsonOf(identity)).toMatchObject({ via: 'fast', body: { a: 3 } });

      const padding = MAX_BYTES - '{"p":""}'.length;
      const full = await post(`{"p":"${'x'.repeat(padding)}"}`);
      expect(full.status).toBe(200);
      expect((await jsonOf(full)).via).toBe('fast');
    });

    it('reads a body that arrives in several packets', async () => {
      const body = JSON.stringify({ key: 'split 🔑 across writes' });
      const bytes = Buffer.from(body);
      // Split inside the 4-byte emoji so per-chunk decoding would garble it.
      const cut = bytes.indexOf(Buffer.from('🔑')) + 2;
      const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port, method: 'POST', path: PATH, headers: { 'Content-Type': 'application/json', 'Content-Length': String(bytes.length) } },
          (r) => {
            let text = '';
            r.setEncoding('utf8');
            r.on('data', (c: string) => {
              text += c;
            });
            r.on('end', () => resolve({ status: r.statusCode ?? 0, body: text }));
          },
        );
        req.on('error', reject);
        req.flushHeaders();
        req.write(bytes.subarray(0, cut));
        setTimeout(() => req.end(bytes.subarray(cut)), 30);
      });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ via: 'fast', body: { key: 'split 🔑 across writes' } });
    });
  });

  describe('leaves everything else to the regular route', () => {
    /** Fell through: the fast path neither answered nor observed, and the body reached Express intact. */
    async function expectFellThrough(res: Response, via = 'express') {
      const body = await jsonOf(res);
      expect(body.via).toBe(via);
      expect(answered).toEqual([]);
      const id = res.headers.get('x-request-id') as string;
      expect(id).toMatch(/^req_/);
      // One observation, with the route pattern Express matched: the fast path added none of its own.
      const obs = await observed(id);
      expect(obs).toHaveLength(1);
      return body;
    }

    it('a GET', async () => {
      await expectFellThrough(await fetch(`${base}${PATH}`), 'express-get');
    });

    it('another path that merely starts with the same characters', async () => {
      await expectFellThrough(await post('{"a":1}', {}, `${PATH}X`), 'express-x');
    });

    it('a request with a cookie', async () => {
      expect((await expectFellThrough(await post('{"a":1}', { Cookie: 'x=1' }))).body).toEqual({ a: 1 });
    });

    it('a chunked request', async () => {
      const res = await rawPost(['{"a":', '1}'], { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toEqual({ via: 'express', body: { a: 1 } });
      expect(answered).toEqual([]);
      expect(await observed(res.headers['x-request-id'] as string)).toHaveLength(1);
    });

    it('a gzipped request, which express.json inflates', async () => {
      const res = await post(gzipSync('{"a":"zipped"}'), { 'Content-Encoding': 'gzip' });
      expect((await expectFellThrough(res)).body).toEqual({ a: 'zipped' });
    });

    it('a body that is not declared as JSON', async () => {
      // express.json leaves a text body unparsed: Express answered, the fast path did not try.
      expect((await expectFellThrough(await post('{"a":1}', { 'Content-Type': 'text/plain' }))).body).toBeUndefined();
      expect(await jsonOf(await post('{"a":1}', { 'Content-Type': 'application/json-patch+json' }))).toMatchObject({ via: 'express' });
      expect(answered).toEqual([]);
    });

    it('JSON in another charset, which the regular route refuses', async () => {
      const res = await post('{"a":1}', { 'Content-Type': 'application/json; charset=latin1' });
      expect(res.status).toBe(415);
      expect(await jsonOf(res)).toEqual({ error: { code: 'BAD_REQUEST', message: 'unsupported charset "LATIN1"', requestId: expect.stringMatching(/^req_/) } });
      expect(answered).toEqual([]);
    });

    it('a declared length above maxBytes, which the regular route refuses', async () => {
      const res = await post(`{"p":"${'x'.repeat(MAX_BYTES)}"}`);
      expect(res.status).toBe(413);
      expect((await jsonOf(res)).error.code).toBe('PAYLOAD_TOO_LARGE');
      expect(answered).toEqual([]);
    });
  });

  describe('answers errors in the surface’s shape', () => {
    it('malformed JSON is a 400 carrying the request id, and the answer is never asked', async () => {
      const res = await post('{"key": ', { 'x-request-id': 'req-malformed' });
      expect(res.status).toBe(400);
      expect(res.headers.get('x-request-id')).toBe('req-malformed');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await jsonOf(res)).toEqual({ error: { code: 'BAD_REQUEST', message: 'Request body is not valid JSON', requestId: 'req-malformed' } });
      expect(answered).toEqual([]);
      expect(await observed('req-malformed')).toEqual([{ requestId: 'req-malformed', method: 'POST', status: 400, route: PATH, durationMs: expect.any(Number) }]);
      expect(logLines).toEqual([]);
    });

    it('reads a body as express.json does: BOM dropped, empty as {}, only an object or array at the top', async () => {
      const bom = await post(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')]));
      expect(await jsonOf(bom)).toMatchObject({ via: 'fast', body: { a: 1 } });
      const empty = await post('');
      expect(await jsonOf(empty)).toMatchObject({ via: 'fast', body: {} });
      const list = await post(' \n[1]');
      expect(await jsonOf(list)).toMatchObject({ via: 'fast', body: [1] });
      expect(answered).toHaveLength(3);

      for (const scalar of ['"a string"', 'null', ' 42', '   ']) {
        const res = await post(scalar);
        expect(res.status, scalar).toBe(400);
        expect((await jsonOf(res)).error.message, scalar).toBe('Request body is not valid JSON');
      }
      expect(answered).toHaveLength(3);
    });

    it('a ServiceError keeps its status, code, message and Retry-After, and a 4xx is not logged', async () => {
      answer = async () => {
        throw badRequest('x must be y', 'x');
      };
      const bad = await post('{}', { 'x-request-id': 'req-bad' });
      expect(bad.status).toBe(400);
      expect(await jsonOf(bad)).toEqual({ error: { code: 'BAD_REQUEST', message: 'x must be y', requestId: 'req-bad' } });

      answer = async () => {
        throw new ServiceError('TOO_MANY_REQUESTS', 'slow down', undefined, 7);
      };
      const slow = await post('{}', { 'x-request-id': 'req-slow' });
      expect(slow.status).toBe(429);
      expect(slow.headers.get('retry-after')).toBe('7');
      expect(await jsonOf(slow)).toEqual({ error: { code: 'TOO_MANY_REQUESTS', message: 'slow down', requestId: 'req-slow' } });
      expect((await observed('req-slow'))[0]?.status).toBe(429);
      expect(logLines).toEqual([]);
    });

    it('an unexpected error is a generic 500, logged once with the request id', async () => {
      answer = async () => {
        throw new Error('boom with secret detail');
      };
      const res = await post('{}', { 'x-request-id': 'req-boom' });
      const text = await res.text();
      expect(res.status).toBe(500);
      expect(JSON.parse(text)).toEqual({ error: { code: 'INTERNAL', message: 'Internal server error', requestId: 'req-boom' } });
      expect(text).not.toContain('secret detail');
      expect((await observed('req-boom'))[0]?.status).toBe(500);

      const errors = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => (l.level as number) >= 50);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ requestId: 'req-boom', msg: 'request failed', err: { message: 'boom with secret detail' } });
    });

    it('an error thrown synchronously by the answer is caught the same way', async () => {
      answer = () => {
        throw badRequest('sync', 'x');
      };
      const res = await post('{}');
      expect(res.status).toBe(400);
      expect((await jsonOf(res)).error.message).toBe('sync');
    });
  });

  it('survives a client that goes away mid-body, and serves the next request', async () => {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    socket.on('error', () => {});
    socket.write(`POST ${PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\nx-request-id: req-aborted\r\n\r\n`);
    socket.write('{"key":"ab');
    // Give the server time to start reading the body before the connection drops.
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(answered).toEqual([]);
    expect(seen.filter((s) => s.requestId === 'req-aborted')).toEqual([]);
    const next = await post('{"after":true}');
    expect(next.status).toBe(200);
    expect(await jsonOf(next)).toMatchObject({ via: 'fast', body: { after: true } });
  });
});
