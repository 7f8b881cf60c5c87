import type { AddressInfo } from 'node:net';
import express from 'express';
import helmet from 'helmet';
import { describe, expect, it } from 'vitest';
import { securityHeaders } from './security-headers';

async function headersOf(middleware: express.RequestHandler): Promise<Record<string, string>> {
  const app = express();
  app.disable('x-powered-by');
  app.use(middleware);
  app.get('/', (_req, res) => {
    res.json({ ok: true });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const out: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      if (k !== 'date' && k !== 'etag' && k !== 'content-length' && k !== 'connection' && k !== 'keep-alive') out[k] = v;
    });
    return out;
  } finally {
    server.close();
  }
}

describe('security headers', () => {
  it('sends exactly what helmet sends', async () => {
    const ours = await headersOf(securityHeaders().middleware);
    expect(ours).toEqual(await headersOf(helmet()));
    expect(ours).toMatchObject({ 'x-content-type-options': 'nosniff', 'content-security-policy': expect.stringContaining("default-src 'self'") });
  });
});
