import type { RequestHandler } from 'express';
import { forbidden } from '../services/errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence for cookie sessions: a state-changing request that carries a cookie must
 * come from our own origin (or a trusted one). Clients that send neither Origin nor
 * Sec-Fetch-Site (curl, SDKs, the seeds' examples) are not browsers and pass.
 */
export function originCheck(trustedOrigins: readonly string[]): RequestHandler {
  const trusted = new Set(trustedOrigins.map((o) => o.replace(/\/$/, '').toLowerCase()));
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method) || !req.headers.cookie) return next();
    const site = req.get('sec-fetch-site');
    if (site && site !== 'same-origin' && site !== 'none') {
      if (site !== 'same-site' || !originAllowed(req.get('origin'), req.get('host'), trusted)) {
        return next(forbidden('Cross-site request refused'));
      }
    }
    const origin = req.get('origin');
    if (origin !== undefined && !originAllowed(origin, req.get('host'), trusted)) {
      return next(forbidden('Cross-site request refused'));
    }
    next();
  };
}

function originAllowed(origin: string | undefined, host: string | undefined, trusted: ReadonlySet<string>): boolean {
  if (!origin || origin === 'null') return false;
  const o = origin.toLowerCase();
  if (trusted.has(o)) return true;
  try {
    return host !== undefined && new URL(o).host === host.toLowerCase();
  } catch {
    return false;
  }
}
