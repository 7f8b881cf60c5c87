import { existsSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import { join } from 'node:path';
import express, { type Express } from 'express';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import proxyaddr from 'proxy-addr';
import { createCallerResolver } from './auth/caller';
import { originCheck } from './auth/origin';
import { type Acceptance, requireCaller } from './auth/require-caller';
import { accessLog } from './http/access-log';
import { clientFrom } from './http/client-info';
import { createHttpMetrics } from './http/metrics';
import { opsRoutes } from './http/ops-routes';
import type { Logger } from './http/logger';
import { problemResponder, surfaceErrors } from './http/surface-errors';
import { requestId } from './http/request-id';
import { requestTiming } from './http/request-timing';
import { fastJsonRoute } from './http/fast-json-route';
import { securityHeaders } from './http/security-headers';
import { betterAuthRoutes } from './rest/better-auth';
import { orgKeyRoutes } from './rest/org-keys';
import { openApiRoutes } from './rest/openapi/routes';
import { rybbitDeleteRoutes, rybbitUserRoutes } from './rest/rybbit';
import { secretScanningRoutes } from './rest/secret-scanning';
import { unkeyError } from './rest/unkey/errors';
import { unkeyRoutes } from './rest/unkey/router';
import { VERIFY_KEY_PATH, verifyKeyAnswer } from './rest/unkey/verify';
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

/**
 * What a server listens with: plain keys.verifyKey requests are answered in front of Express
 * (see fastJsonRoute), everything else by the Express app.
 */
export function createRequestListener(deps: AppDeps): RequestListener {
  const { app, verifyKeyFast } = buildHttp(deps);
  return (req, res) => {
    if (!verifyKeyFast(req, res)) app(req, res);
  };
}

/**
 * The Express app alone, without the fast path in front: every route, keys.verifyKey included,
 * still answers. For mounting inside another app; servers listen with createRequestListener.
 */
export function createApp(deps: AppDeps): Express {
  return buildHttp(deps).app;
}

function buildHttp({ services, logger, webDist }: AppDeps) {
  const app = express();
  const { config } = services;
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);

  const resolver = createCallerResolver(services);
  const guard: Guard = (acceptance) => requireCaller(resolver, acceptance);

  const metrics = createHttpMetrics(services);
  const timing = requestTiming(accessLog(logger), metrics.observe);
  const headers = securityHeaders();

  // The client address as Express works it out for req.ip: the same proxy-addr, the same trust setting.
  const trust = app.get('trust proxy fn') as Parameters<typeof proxyaddr>[1];
  const verifyKeyFast = fastJsonRoute(
    {
      path: VERIFY_KEY_PATH,
      maxBytes: bytes(config.bodyLimit),
      answer: (body, req, id) =>
        verifyKeyAnswer(services, body, { ...clientFrom(proxyaddr(req, trust), req.headers['user-agent']), requestId: id }),
    },
    { timing, setSecurityHeaders: headers.set, respondWithProblem: problemResponder(logger, unkeyError) },
  );

  app.use(requestId);
  app.use(timing.middleware);
  app.use(headers.middleware);
  app.use(originCheck(config.trustedOrigins));

  // First among the routes: it carries keys.verifyKey's regular route and claims only its own paths.
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
      onError: ({ error, path, req }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') logger.error({ err: error.cause ?? error, path, requestId: req.requestId }, 'trpc procedure failed');
      },
    }),
  );

  if (webDist && existsSync(join(webDist, 'index.html'))) app.use(webUi(webDist));

  app.use((req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: `No route for ${req.method} ${req.path}`, requestId: req.requestId } });
  });

  app.use(surfaceErrors(logger, (p, requestId) => ({ error: { code: p.code, message: p.message, requestId } })));
  return { app, verifyKeyFast };
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
