import { pendingMigrations } from '@keyward/db';
import { Redis } from 'ioredis';
import { type Config, loadConfig } from '../env';
import { type Io, migrateOptions, openDb } from './context';

const TIMEOUT_MS = 5000;

function within<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

async function redisPing(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: TIMEOUT_MS, retryStrategy: () => null });
  // Failures surface through the awaited calls below; unhandled 'error' events would crash.
  redis.on('error', () => {});
  try {
    await within(redis.connect(), 'Redis');
    await within(redis.ping(), 'Redis');
  } finally {
    redis.disconnect();
  }
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n').join(' ');

/** Each check on its own line with ok/fail; later checks that depend on a failed one are skipped. */
export async function doctor(io: Io): Promise<number> {
  let failed = false;
  const report = (name: string, ok: boolean, detail: string) => {
    if (!ok) failed = true;
    io.err(`${ok ? 'ok  ' : 'fail'}  ${name.padEnd(10)} ${detail}`);
  };

  let config: Config;
  try {
    config = loadConfig();
    report('config', true, `valid (${config.nodeEnv})`);
  } catch (err) {
    report('config', false, message(err));
    return 1;
  }

  const where = config.databaseUrl ? 'PostgreSQL' : `PGlite at ${config.dataDir}`;
  try {
    const handle = await within(openDb(config), 'the database');
    try {
      await within(handle.ping(), 'the database');
      report('database', true, `${where} answers`);
      const pending = await within(pendingMigrations(handle, migrateOptions), 'the database');
      report('migrations', pending === 0, pending === 0 ? 'current' : `${pending} not applied; run \`keyward migrate\``);
    } finally {
      await handle.close();
    }
  } catch (err) {
    report('database', false, `${where}: ${message(err)}`);
  }

  if (config.redisUrl) {
    try {
      await redisPing(config.redisUrl);
      report('redis', true, 'answers');
    } catch (err) {
      report('redis', false, message(err));
    }
  } else {
    report('redis', true, 'not configured (rate limits are per instance)');
  }
  return failed ? 1 : 0;
}
