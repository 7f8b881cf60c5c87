/**
 * The benchmarked server: the production app on PostgreSQL, listening as main.ts does, plus a
 * bare Express app with one route (`POST /__ceiling`) on the next port of the same process:
 * the ceiling every figure is compared with; and a bare node:http server on the port after.
 * Started by verify.bench.ts as a child process.
 */
import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { createDb } from '@keyward/db';
import express from 'express';
import { createRequestListener } from '../src/app';
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

const bare = express();
bare.post('/__ceiling', express.json(), (_req, res) => {
  res.json({ valid: true, code: 'VALID' });
});
// How often the verifier went to the database: each unknown hash should be loaded once, in batches.
bare.get('/__stats', (_req, res) => {
  res.json({ ...services.cache.stats(), queries: services.keyStateQueries() });
});

// The floor under both: node:http alone, no framework, to show what the machine itself allows.
const floor = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.setHeader('Content-Type', 'application/json');
    res.end('{"valid":true,"code":"VALID"}');
  });
});

const listening = (s: Server) => new Promise((resolve) => s.once('listening', resolve));
const server = createServer(createRequestListener({ services, logger })).listen(Number(port), '127.0.0.1');
const ceiling = bare.listen(Number(port) + 1, '127.0.0.1');
floor.listen(Number(port) + 2, '127.0.0.1');
await Promise.all([listening(server), listening(ceiling), listening(floor)]);
process.stdout.write('ready\n');

process.on('SIGTERM', () => {
  for (const s of [ceiling, floor]) {
    s.close();
    s.closeAllConnections();
  }
  server.close(async () => {
    await services.close();
    await handle.close();
    process.exit(0);
  });
  server.closeAllConnections();
});
