import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDb, type TestDb } from '@keyward/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const apiRoot = fileURLToPath(new URL('..', import.meta.url));
const webBuilt = existsSync(join(apiRoot, '../web/dist/index.html'));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const child = spawn(cmd, args, { cwd: apiRoot, env });
  let output = '';
  child.stdout.on('data', (c) => {
    output += String(c);
  });
  child.stderr.on('data', (c) => {
    output += String(c);
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

describe('production build (esbuild bundle) on PostgreSQL and Redis', () => {
  let db: TestDb;
  let child: ChildProcess;
  let base: string;
  let logs = '';

  beforeAll(async () => {
    // The build script, as `pnpm build` runs it: esbuild comes from node_modules/.bin.
    const build = await run('sh', ['deploy/build.sh'], { ...process.env, PATH: `${join(apiRoot, 'node_modules/.bin')}${delimiter}${process.env.PATH}` });
    expect(build.code, build.output).toBe(0);
    for (const f of ['main.js', 'cli.js', 'drizzle/meta/_journal.json', 'pglite.wasm']) expect(existsSync(join(apiRoot, 'dist', f)), f).toBe(true);

    db = await createTestDb('postgres', { migrated: false });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // Only the bundle and its configuration: no tsx loader, and a cwd outside the sources.
    child = spawn(process.execPath, [join(apiRoot, 'dist/main.js')], {
      cwd: join(apiRoot, 'dist'),
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        DATABASE_URL: db.url ?? '',
        REDIS_URL: 'redis://127.0.0.1:6379',
        PORT: String(port),
        HOST: '127.0.0.1',
        KEYWARD_PASSWORD_COST: '10',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (c) => {
      logs += String(c);
    });
    child.stderr?.on('data', (c) => {
      logs += String(c);
    });
  }, 120_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    await db?.close();
  });

  it('migrates the empty database and becomes ready', async () => {
    let status = 0;
    for (let i = 0; i < 200 && status !== 200; i++) {
      status = await fetch(`${base}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status, logs).toBe(200);
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'ok', listener: 'ok' } });
  });

  it('signs up through the better-auth path', async () => {
    const r = await fetch(`${base}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'prod@example.com', password: 'correct horse battery', name: 'Prod' }),
    });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { user: { email: string } }).user.email).toBe('prod@example.com');
  });

  it.runIf(webBuilt)('serves the built web UI', async () => {
    const r = await fetch(`${base}/`, { headers: { accept: 'text/html' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/html');
  });

  it('logs JSON lines and stops cleanly on SIGTERM', async () => {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code, logs).toBe(0);
    const lines = logs.trim().split('\n').map((l) => JSON.parse(l) as { msg: string });
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['keyward listening', 'request', 'stopped']));
  });
});
