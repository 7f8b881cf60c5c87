import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { DbHandle } from '@keyward/db';
import { createTestDb, type TEST_DRIVERS } from '@keyward/db/testing';
import { createRequestListener } from '../app';
import { loadConfig } from '../env';
import { createLogger } from '../http/logger';
import { createServices, type ServiceOptions, type Services } from '../services';

export type Driver = (typeof TEST_DRIVERS)[number];

export interface TestServer {
  url: string;
  services: Services;
  handle: DbHandle;
  /** Everything the server logged, for asserting that no secret ever reaches a log line. */
  logs(): string;
  close(): Promise<void>;
}

/** A real server on an ephemeral loopback port over an isolated database of the given driver. */
export async function startTestServer(
  driver: Driver,
  env: Record<string, string> = {},
  opts: ServiceOptions = {},
): Promise<TestServer> {
  const handle = await createTestDb(driver);
  const config = loadConfig({ NODE_ENV: 'test', KEYWARD_PASSWORD_COST: '10', LOG_LEVEL: 'info', ...env });
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  const logger = createLogger(config.logLevel, sink);
  const services = createServices(handle, config, { usageFlushMs: 60_000, log: logger, ...opts });
  await services.start();
  const server = createServer(createRequestListener({ services, logger })).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    services,
    handle,
    logs: () => chunks.join(''),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await services.close();
      await handle.close();
    },
  };
}
