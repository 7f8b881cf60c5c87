import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createDb, migrate } from '@keyward/db';
import { createRequestListener } from './app';
import { ConfigError, loadConfig } from './env';
import { createLogger } from './http/logger';
import { prettyStream } from './http/pretty-log';
import { migrationsFolder } from './runtime-paths';
import { createServices } from './services';

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  // A developer at a terminal reads lines; everything else (containers, log shippers) gets JSON.
  const pretty = config.nodeEnv === 'development' && process.stdout.isTTY;
  const logger = createLogger(config.logLevel, pretty ? prettyStream(process.stdout) : undefined);
  const handle = await createDb(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir });
  await migrate(handle, migrationsFolder ? { migrationsFolder } : {});
  const services = createServices(handle, config, { log: logger });
  await services.start();
  // The admin UI that `pnpm --filter @keyward/web build` writes; served only when it exists.
  const webDist = fileURLToPath(new URL('../../web/dist', import.meta.url));
  const server = createServer(createRequestListener({ services, logger, webDist })).listen(config.port, config.host, () => {
    logger.info({ port: config.port, database: handle.driver }, 'keyward listening');
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Stop accepting, let in-flight requests finish, then flush buffered usage and close the database.
    server.close(async () => {
      try {
        await services.close();
        await handle.close();
        logger.info('stopped');
        process.exit(0);
      } catch (err) {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      }
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`keyward failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
