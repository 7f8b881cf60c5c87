import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseKey } from '@keyward/core';
import { createDb } from '@keyward/db';
import { createTestDb, describeEachDb, type TestDb } from '@keyward/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/env';
import { createServices } from '../src/services';

const apiRoot = fileURLToPath(new URL('..', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string>, stdin = ''): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: apiRoot,
    // Only what the test sets: a developer's own DATABASE_URL must not leak in.
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', KEYWARD_PASSWORD_COST: '10', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => {
    stdout += String(c);
  });
  child.stderr.on('data', (c) => {
    stderr += String(c);
  });
  child.stdin.end(stdin);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('keyward CLI usage', () => {
  const env = { KEYWARD_DATA_DIR: join(tmpdir(), 'keyward-cli-never-opened') };

  it('lists the commands on --help (exit 0) and without a command (exit 2)', async () => {
    const help = await cli(['--help'], env);
    expect(help.code).toBe(0);
    for (const c of ['migrate', 'create-owner', 'create-org', 'create-root-key', 'revoke', 'export-audit', 'doctor']) {
      expect(help.stdout).toContain(c);
    }
    const none = await cli([], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: keyward <command>');
  });

  it('shows each command its usage, and refuses bad arguments with exit 2', async () => {
    const help = await cli(['create-root-key', '--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--scope read-write|read');

    const cases: [string[], RegExp][] = [
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['create-root-key', '--org', 'org_x', '--scope', 'admin'], /--scope must be "read" or "read-write"/],
      [['create-root-key', '--scope', 'read'], /--org is required/],
      [['create-org', '--name', 'A', '--owner', 'x', '--bogus'], /Unknown option '--bogus'/],
      [['revoke'], /expected <keyId>/],
      [['export-audit', '--since', 'last tuesday'], /--since/],
      [['create-owner', '--email', 'a@example.com'], /--password-stdin is required/],
    ];
    const runs = await Promise.all(cases.map(([args]) => cli(args, env)));
    runs.forEach((r, i) => {
      expect(r.code, cases[i]?.[0].join(' ')).toBe(2);
      expect(r.stderr).toMatch(cases[i]?.[1] as RegExp);
      expect(r.stdout).toBe('');
    });
  });

  it('reports invalid configuration as a usage error', async () => {
    const r = await cli(['migrate'], { ...env, KEYWARD_ENCRYPTION_KEY: 'short' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('KEYWARD_ENCRYPTION_KEY');
  });
});

describeEachDb('keyward CLI', (driver) => {
  let env: Record<string, string>;
  let pgDb: TestDb | undefined;
  let dataDir: string | undefined;
  const email = 'Owner@Example.com';
  const started = new Date(Date.now() - 1000).toISOString();
  let orgId = '';
  let keyId = '';
  let secret = '';

  beforeAll(async () => {
    if (driver === 'postgres') {
      pgDb = await createTestDb('postgres', { migrated: false });
      env = { DATABASE_URL: pgDb.url ?? '' };
    } else {
      dataDir = await mkdtemp(join(tmpdir(), 'keyward-cli-'));
      env = { KEYWARD_DATA_DIR: dataDir };
    }
  });
  afterAll(async () => {
    await pgDb?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** Opened between CLI runs only: an embedded PGlite directory has one user at a time. */
  async function withServices<T>(fn: (s: ReturnType<typeof createServices>) => Promise<T>): Promise<T> {
    const handle = await createDb(pgDb ? { url: pgDb.url ?? '' } : { dataDir: dataDir ?? '' });
    const s = createServices(handle, loadConfig({ NODE_ENV: 'test', KEYWARD_PASSWORD_COST: '10' }));
    try {
      return await fn(s);
    } finally {
      await s.close();
      await handle.close();
    }
  }

  it('refuses to work on an unmigrated database, naming the fix', async () => {
    const r = await cli(['create-owner', '--email', email, '--password-stdin'], env, 'correct horse battery\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('keyward migrate');
  });

  it('doctor fails on pending migrations, migrate applies them, then doctor passes', async () => {
    const before = await cli(['doctor'], env);
    expect(before.code).toBe(1);
    expect(before.stderr).toMatch(/ok +database/);
    expect(before.stderr).toMatch(/fail +migrations/);

    const m = await cli(['migrate'], env);
    expect(m.code).toBe(0);
    expect(m.stderr).toMatch(/applied \d+ migration/);
    expect((await cli(['migrate'], env)).stderr).toContain('up to date');

    const after = await cli(['doctor'], { ...env, REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(after.code).toBe(0);
    for (const check of ['config', 'database', 'migrations', 'redis']) expect(after.stderr).toMatch(new RegExp(`ok +${check}`));
  });

  it('doctor fails when Redis does not answer', async () => {
    const r = await cli(['doctor'], { ...env, REDIS_URL: 'redis://127.0.0.1:1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/fail +redis/);
  });

  it('creates the first owner from a password on stdin, and only on an empty instance', async () => {
    const r = await cli(['create-owner', '--email', email, '--password-stdin'], env, 'correct horse battery\n');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^user_/);
    expect(r.stderr).not.toContain('correct horse battery');
    const signedIn = await withServices((s) =>
      s.accounts.signIn({ email: 'owner@example.com', password: 'correct horse battery' }, { ip: null, userAgent: null }),
    );
    expect(signedIn.user.id).toBe(r.stdout.trim());

    const again = await cli(['create-owner', '--email', 'second@example.com', '--password-stdin'], env, 'another password\n');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already has users');
  });

  it('creates an organization owned by that user', async () => {
    const r = await cli(['create-org', '--name', 'Acme', '--owner', 'owner@example.com'], env);
    expect(r.code).toBe(0);
    orgId = r.stdout.trim();
    expect(orgId).toMatch(/^org_/);
    const missing = await cli(['create-org', '--name', 'Nope', '--owner', 'nobody@example.com'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No user with email nobody@example.com');
  });

  it('mints a root key: the secret alone on stdout, once, and it works', async () => {
    const r = await cli(['create-root-key', '--org', orgId, '--scope', 'read-write'], env);
    expect(r.code).toBe(0);
    secret = r.stdout.trim();
    expect(r.stdout).toBe(`${secret}\n`);
    expect(parseKey(secret).ok).toBe(true);
    expect(r.stderr).not.toContain(secret);
    keyId = /created key (key_\S+)/.exec(r.stderr)?.[1] ?? '';
    expect(keyId).not.toBe('');

    const v = await withServices((s) => s.verifier.verify(secret, { scopes: ['keys:write'] }));
    expect(v).toMatchObject({ valid: true, code: 'VALID' });
    expect(v.key).toMatchObject({ id: keyId, organizationId: orgId });

    const unknownOrg = await cli(['create-root-key', '--org', 'org_nope', '--scope', 'read'], env);
    expect(unknownOrg.code).toBe(1);
    expect(unknownOrg.stderr).toContain('org_nope not found');
  });

  it('revokes the key', async () => {
    const r = await cli(['revoke', keyId], env);
    expect(r.code).toBe(0);
    const v = await withServices((s) => s.verifier.verify(secret));
    expect(v.valid).toBe(false);
    expect((await cli(['revoke', 'key_nope'], env)).code).toBe(1);
  });

  it('exports the audit log as JSON lines, filtered by organization, without secrets', async () => {
    const r = await cli(['export-audit', '--since', started, '--org', orgId], env);
    expect(r.code).toBe(0);
    const entries = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { action: string; organizationId: string; actorType: string; userAgent: string });
    expect(entries.map((e) => e.action)).toEqual(['org.create', 'key.create', 'key.revoke']);
    expect(entries.every((e) => e.organizationId === orgId && e.userAgent === 'keyward-cli')).toBe(true);
    expect(entries.find((e) => e.action === 'key.create')?.actorType).toBe('system');
    expect(r.stdout).not.toContain(secret);

    // Without --org: the first organization's sign-up and the test's sign-in as well.
    const all = await cli(['export-audit', '--since', started], env);
    const actions = all.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { action: string }).action);
    expect(actions).toEqual(expect.arrayContaining(['user.signup', 'org.create', 'key.create', 'key.revoke']));
    expect(actions).toHaveLength(5);
    const future = await cli(['export-audit', '--since', '2999-01-01'], env);
    expect(future.code).toBe(0);
    expect(future.stdout).toBe('');
  });
});
