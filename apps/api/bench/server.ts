/**
 * The benchmarked server: the production app on PostgreSQL, plus one bare Express route
 * (`POST /__ceiling`) in the same process as the ceiling every figure is compared with.
 * Started by verify.bench.ts as a child process so the load generator has its own core.
 */
import { Writable } from 'node:stream';
import { createDb } from '@keyward/db';
import express from 'express';
import { createApp } from '../src/app';
import { loadConfig } from '../src/env';
import { createLogger } from '../src/http/logger';
import { createServices } from '../src/services';

const [url, port] = process.argv.slice(2);
if (!url || !port) throw new Error('usage: server.ts <database url> <port>');

// Production logs one JSON line per request; keep that cost in, but send it nowhere.
const devNull = new Writable({ write: (_c, _e, cb) => cb() });
// The plan's default limit is lifted so the plain valid key measures verification, not refusals.
const config = loadConfig({
  NODE_ENV: 'production',
  DATABASE_URL: url,
  PORT: port,
  LOG_LEVEL: 'info',
  KEYWARD_PLAN_STANDARD_RATE_LIMIT: '1000000000',
});
const logger = createLogger(config.logLevel, devNull);
const handle = await createDb({ url });
const services = createServices(handle, config, { log: logger });
await services.start();

const outer = express();
outer.post('/__ceiling', express.json(), (_req, res) => {
  res.json({ valid: true, code: 'VALID' });
});
// How many times the verifier went to the database: each unknown hash should cost one load.
outer.get('/__stats', (_req, res) => {
  res.json(services.cache.stats());
});
outer.use(createApp({ services, logger }));

const server = outer.listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => {
  server.close(async () => {
    await services.close();
    await handle.close();
    process.exit(0);
  });
  server.closeAllConnections();
});
