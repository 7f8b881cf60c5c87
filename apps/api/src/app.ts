import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import { createCallerResolver } from './auth/caller';
import { originCheck } from './auth/origin';
import { type Acceptance, requireCaller } from './auth/require-caller';
import { accessLog } from './http/access-log';
import { createHttpMetrics } from './http/metrics';
import { opsRoutes } from './http/ops-routes';
import type { Logger } from './http/logger';
import { surfaceErrors } from './http/surface-errors';
import { requestId } from './http/request-id';
import { betterAuthRoutes } from './rest/better-auth';
import { orgKeyRoutes } from './rest/org-keys';
import { openApiRoutes } from './rest/openapi/routes';
import { rybbitDeleteRoutes, rybbitUserRoutes } from './rest/rybbit';
import { secretScanningRoutes } from './rest/secret-scanning';
import { unkeyRoutes } from './rest/unkey/router';
import { wubbleRoutes } from './rest/wubble';
import { contextFactory } from './trpc/context';
import { appRouter } from './trpc/router';
import { bytes } from './http/bytes';
import type { Services } from './services';

export interface AppDeps {
  services: Services;
  logger: Logger;
  /** The built admin UI (apps/web/dist); served with an SPA fallback when the folder exists. */
  webDist?: string;
}

export type Guard = (acceptance: Acceptance) => express.RequestHandler;

/** Builds the whole HTTP surface without listening, so tests run it on an ephemeral port. */
export function createApp({ services, logger, webDist }: AppDeps): Express {
  const app = express();
  const { config } = services;
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);

  const resolver = createCallerResolver(services);
  const guard: Guard = (acceptance) => requireCaller(resolver, acceptance);

  const metrics = createHttpMetrics(services);
  app.use(requestId);
  app.use(accessLog(logger));
  app.use(metrics.middleware);
  app.use(helmet());
  app.use(originCheck(config.trustedOrigins));

  // First among the routes: it carries keys.verifyKey, the hot path, and claims only its own paths.
  app.use('/v1', unkeyRoutes(services, guard, logger, config.bodyLimit));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(opsRoutes(services, metrics, logger));
  app.use(openApiRoutes());
  app.use('/api/auth/api-key', rybbitDeleteRoutes(services, guard, logger, config.bodyLimit));
  app.use('/api/auth', betterAuthRoutes(services, resolver, logger, config.bodyLimit));
  app.use('/api/user', rybbitUserRoutes(services, guard, logger, config.bodyLimit));
  app.use('/v1/secret-scanning', secretScanningRoutes(services, logger));
  // Each /v1 surface parses its own bodies, so errors come back in that surface's shape.
  app.use('/v1', orgKeyRoutes(services, guard, logger, config.bodyLimit));
  app.use('/v1', wubbleRoutes(services, guard, logger, config.bodyLimit));
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

  if (webDist && existsSync(join(webDist, 'index.html'))) app.use(webUi(webDist));

  app.use((req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: `No route for ${req.method} ${req.path}`, requestId: req.requestId } });
  });

  app.use(surfaceErrors(logger, (p, req) => ({ error: { code: p.code, message: p.message, requestId: req.requestId } })));
  return app;
}

/** Paths the UI never owns: an unknown API path stays a JSON 404. */
const API_PATH = /^\/(api|v1|trpc|healthz|readyz|metrics)(\/|$)/;

/**
 * The admin UI: hashed assets cached for good, index.html for every other GET so client-side
 * routes survive a reload. Its own CSP, without upgrade-insecure-requests, so the UI also
 * loads over plain HTTP on a LAN address.
 */
function webUi(dir: string): express.Router {
  const r = express.Router();
  const index = join(dir, 'index.html');
  r.use('/assets', express.static(join(dir, 'assets'), { immutable: true, maxAge: '1y', index: false }));
  r.use(express.static(dir, { index: false, maxAge: 0 }));
  r.use((req, res, next) => {
    const isPage = (req.method === 'GET' || req.method === 'HEAD') && !API_PATH.test(req.path) && !req.path.startsWith('/assets/');
    if (!isPage || !req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; base-uri 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; font-src 'self' data:; object-src 'none'; frame-ancestors 'none'; form-action 'self'",
    );
    res.sendFile(index);
  });
  return r;
}
