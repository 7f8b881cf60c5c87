import { createHash, timingSafeEqual } from 'node:crypto';
import express from 'express';
import type { Logger } from './logger';
import type { HttpMetrics } from './metrics';
import { PROMETHEUS_CONTENT_TYPE } from '../observability/prometheus';
import type { Services } from '../services';
import { checkReadiness } from '../services/readiness';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Compared as digests so the comparison takes the same time whatever the length of the guess. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return !!m?.[1] && timingSafeEqual(digest(m[1]), digest(token));
}

/** Refuses the request unless it carries the configured bearer token (no token configured: open). */
function guardedBy(token: string | undefined, what: string): express.RequestHandler {
  return (req, res, next) => {
    if (!token || bearerMatches(req.get('authorization'), token)) return next();
    res.setHeader('WWW-Authenticate', 'Bearer');
    res.status(401).json({ error: { code: 'UNAUTHORIZED', message: `A valid ${what} token is required`, requestId: req.requestId } });
  };
}

/**
 * Probes and metrics for operators and orchestrators. /readyz names the failing checks but
 * keeps their details (hosts, driver errors) in the log; both can be put behind a bearer
 * token, and /metrics can be turned off.
 */
export function opsRoutes(services: Services, metrics: HttpMetrics, log: Logger): express.Router {
  const r = express.Router();
  const { config } = services;

  r.get('/readyz', guardedBy(config.readyzToken, 'readiness'), async (req, res) => {
    const { ready, checks } = await checkReadiness(services.handle);
    const summary = Object.fromEntries(Object.entries(checks).map(([name, c]) => [name, c.ok ? 'ok' : 'fail']));
    if (!ready) log.warn({ checks, requestId: req.requestId }, 'not ready');
    res.setHeader('Cache-Control', 'no-store');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: summary });
  });

  if (config.metrics.enabled) {
    r.get('/metrics', guardedBy(config.metrics.token, 'metrics'), (_req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      res.type(PROMETHEUS_CONTENT_TYPE).send(metrics.render());
    });
  }
  return r;
}
