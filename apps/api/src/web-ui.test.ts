import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, type TestDb } from '@keyward/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from './app';
import { loadConfig } from './env';
import { createLogger } from './http/logger';
import { createServices, type Services } from './services';

let dir: string;
let handle: TestDb;
let services: Services;
let server: Server;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keyward-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Keyward</title><div id="root"></div>');
  writeFileSync(join(dir, 'assets', 'app-1234.js'), 'console.log(1)');
  handle = await createTestDb('pglite');
  services = createServices(handle, loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }));
  server = createApp({ services, logger: createLogger('silent'), webDist: dir }).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await services.close();
  await handle.close();
  rmSync(dir, { recursive: true, force: true });
});

it('serves the UI for client-side routes, with a CSP that does not upgrade plain HTTP', async () => {
  for (const path of ['/', '/keys/key_123', '/audit']) {
    const res = await fetch(`${url}${path}`, { headers: { Accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="root">');
    expect(res.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
  }
});

it('serves hashed assets as immutable and a missing asset as 404', async () => {
  const ok = await fetch(`${url}/assets/app-1234.js`);
  expect(ok.status).toBe(200);
  expect(ok.headers.get('cache-control')).toContain('immutable');
  expect((await fetch(`${url}/assets/missing.js`)).status).toBe(404);
});

it('keeps unknown API paths as JSON 404s', async () => {
  for (const path of ['/v1/nope', '/api/nope', '/trpc']) {
    const res = await fetch(`${url}${path}`, { headers: { Accept: 'text/html' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/json');
  }
});
