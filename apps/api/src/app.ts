import express, { type Express } from 'express';
import helmet from 'helmet';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import { createCallerResolver } from './auth/caller';
import { originCheck } from './auth/origin';
import { type Acceptance, requireCaller } from './auth/require-caller';
import { accessLog } from './http/access-log';
import type { Logger } from './http/logger';
import { surfaceErrors } from './http/surface-errors';
import { requestId } from './http/request-id';
import { betterAuthRoutes } from './rest/better-auth';
import { orgKeyRoutes } from './rest/org-keys';
import { rybbitDeleteRoutes, rybbitUserRoutes } from './rest/rybbit';
import { contextFactory } from './trpc/context';
import { appRouter } from './trpc/router';
import { bytes } from './http/bytes';
import type { Services } from './services';

export interface AppDeps {
  services: Services;
  logger: Logger;
}

export type Guard = (acceptance: Acceptance) => express.RequestHandler;

/** Builds the whole HTTP surface without listening, so tests run it on an ephemeral port. */
export function createApp({ services, logger }: AppDeps): Express {
  const app = express();
  const { config } = services;
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);

  const resolver = createCallerResolver(services);
  const guard: Guard = (acceptance) => requireCaller(resolver, services.sessions, acceptance);

  app.use(requestId);
  app.use(accessLog(logger));
  app.use(helmet());
  app.use(originCheck(config.trustedOrigins));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use('/api/auth/api-key', rybbitDeleteRoutes(services, guard, logger, config.bodyLimit));
  app.use('/api/auth', betterAuthRoutes(services, resolver, logger, config.bodyLimit));
  app.use('/api/user', rybbitUserRoutes(services, guard, logger, config.bodyLimit));
  app.use('/v1', orgKeyRoutes(services, guard, logger, config.bodyLimit));
  app.use(
    '/trpc',
    createExpressMiddleware({
      router: appRouter,
      createContext: contextFactory(services, resolver),
      maxBodySize: bytes(config.bodyLimit),
      onError: ({ error, path }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') logger.error({ err: error.cause ?? error, path }, 'trpc procedure failed');
      },
    }),
  );

  app.use((req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: `No route for ${req.method} ${req.path}`, requestId: req.requestId } });
  });

  app.use(surfaceErrors(logger, (p, req) => ({ error: { code: p.code, message: p.message, requestId: req.requestId } })));
  return app;
}
