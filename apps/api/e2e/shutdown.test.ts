import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { keys, verificationCounts } from '@keyward/db';
import { createTestDb, type TestDb } from '@keyward/db/testing';
import { eq, sum } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/env';
import { createServices } from '../src/services';

const apiRoot = fileURLToPath(new URL('..', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function startMain(databaseUrl: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: apiRoot,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      // Every answer should be VALID, so the count compares like with like.
      KEYWARD_PLAN_STANDARD_RATE_LIMIT: '10000000',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill('SIGKILL');
  throw new Error('server did not start');
}

describe('graceful shutdown (production start on PostgreSQL)', () => {
  let db: TestDb;
  let secret: string;
  let keyId: string;

  beforeAll(async () => {
    db = await createTestDb('postgres');
    const s = createServices(db, loadConfig({ NODE_ENV: 'test', KEYWARD_PASSWORD_COST: '10', KEYWARD_PLAN_STANDARD_RATE_LIMIT: '1000000' }));
    const { user, organizationId } = await s.accounts.signUp(
      { email: 'owner@example.com', password: 'correct horse battery', name: 'Owner' },
      { ip: null, userAgent: null },
    );
    const created = await s.keys.create(
      { organizationId, plan: 'standard', userId: user.id, role: 'owner', keyId: null, scopes: null, ip: null, userAgent: null },
      { source: 'cli', name: 'counted' },
    );
    secret = created.secret;
    keyId = created.key.id;
    await s.close();
  });
  afterAll(() => db.close());

  it('flushes buffered usage on SIGTERM: every verification served is counted after a restart', async () => {
    const port = await freePort();
    const child = await startMain(db.url ?? '', port);
    const exited = once(child, 'exit');
    let served = 0;
    let stop = false;
    const worker = async () => {
      while (!stop) {
        try {
          const r = await fetch(`http://127.0.0.1:${port}/v1/keys.verifyKey`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'user-agent': 'shutdown-test' },
            body: JSON.stringify({ key: secret }),
          });
          // Every answered verification is counted, whatever its outcome.
          if (r.ok && typeof ((await r.json()) as { code?: unknown }).code === 'string') served++;
        } catch {
          stop = true;
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGTERM');
    const [code] = await exited;
    stop = true;
    await Promise.all(workers);
    expect(code).toBe(0);
    expect(served).toBeGreaterThan(50);

    // Counted across the restart, not just before it.
    const again = await startMain(db.url ?? '', port);
    try {
      const [row] = await db.db
        .select({ n: sum(verificationCounts.count) })
        .from(verificationCounts)
        .where(eq(verificationCounts.keyId, keyId));
      expect(Number(row?.n)).toBe(served);
      const [key] = await db.db.select().from(keys).where(eq(keys.id, keyId));
      expect(key?.lastUsedUserAgent).toBe('shutdown-test');
    } finally {
      again.kill('SIGTERM');
      await once(again, 'exit');
    }
  });
});
