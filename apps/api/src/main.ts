import { createDb, migrate } from '@keyward/db';
import { createApp } from './app';
import { ConfigError, loadConfig } from './env';
import { createLogger } from './http/logger';
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
  const logger = createLogger(config.logLevel);
  const handle = await createDb(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir });
  await migrate(handle);
  const services = createServices(handle, config);
  const app = createApp({ services, logger });

  const server = app.listen(config.port, config.host, () => {
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
