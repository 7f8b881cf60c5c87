import { type PermissionQuery, parseScopes, validatePermissionQuery } from '@keyward/core';
import type { Request, RequestHandler, Response } from 'express';
import { clientInfo } from '../http/client-info';
import { setRateLimitHeaders } from '../http/ratelimit-headers';
import type { Verifier, VerifyResult } from '../services/verification/verifier';
import { readCredential } from './caller';

/** What a protected handler learns about the key that called it; never the secret or its hash. */
export interface AuthenticatedKey {
  id: string;
  organizationId: string;
  userId: string | null;
  serviceAccountId: string | null;
  name: string | null;
  ownerId: string | null;
  externalId: string | null;
  meta: Record<string, unknown> | null;
  environment: string | null;
  scopes: string[];
  permissions: string[];
  roles: string[];
  /** Uses left after this request, for keys with a usage limit. */
  remaining: number | null;
}

declare global {
  namespace Express {
    interface Request {
      apiKey?: AuthenticatedKey;
    }
  }
}

export interface RequireApiKeyOptions {
  /** Every one of these scopes must be granted (core's grammar: `analytics:read`, `read-write`…). */
  scopes?: readonly string[];
  /** An Unkey-style permission query: a name, or nested `{and:[…]}` / `{or:[…]}`. */
  permissions?: PermissionQuery;
}

/**
 * Protects any Express route with Keyward keys: `Authorization: Bearer <key>` or `x-api-key`,
 * checked by the same verifier as keys.verifyKey (cache, revocation, expiry, scopes and
 * permissions, rate limit, remaining uses). Missing, unknown, revoked, disabled or expired
 * keys get 401; missing scopes or permissions 403; rate limits and exhausted keys 429.
 * RateLimit-* headers go on every response the limiter had a say in.
 *
 *   app.get('/reports', requireApiKey(services, { scopes: ['analytics:read'] }), handler)
 *
 * Invalid options throw at setup, so a typo fails the boot and never opens a route.
 */
export function requireApiKey(source: { verifier: Verifier }, options: RequireApiKeyOptions = {}): RequestHandler {
  const scopes = options.scopes === undefined ? undefined : checkedScopes(options.scopes);
  const permissions = options.permissions === undefined ? undefined : checkedPermissions(options.permissions);

  return async (req, res, next) => {
    const cred = readCredential(req);
    if (cred?.type !== 'key') {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return deny(req, res, 401, 'UNAUTHORIZED', 'An API key is required: send Authorization: Bearer <key> or x-api-key');
    }
    const v = await source.verifier.verify(cred.key, {
      ...clientInfo(req),
      ...(scopes ? { scopes } : {}),
      ...(permissions !== undefined ? { permissions } : {}),
    });
    setRateLimitHeaders(res, v);
    if (v.valid && v.key) {
      req.apiKey = publicView(v);
      // Lets the access log name the key, as for every other key-authenticated request.
      if (v.key.role) req.caller = { kind: 'key', key: v.key, verification: v, org: { id: v.key.organizationId, role: v.key.role, plan: v.key.plan } };
      return next();
    }
    return refuse(req, res, v);
  };
}

function refuse(req: Request, res: Response, v: VerifyResult): void {
  switch (v.code) {
    case 'INSUFFICIENT_PERMISSIONS': {
      const missing = [...(v.missingScopes ?? []), ...(v.missingPermissions ?? [])];
      deny(req, res, 403, 'FORBIDDEN', `This API key lacks what this route requires: ${missing.join(', ')}`);
      return;
    }
    case 'RATE_LIMITED':
      deny(req, res, 429, 'TOO_MANY_REQUESTS', 'Rate limit exceeded for this API key');
      return;
    case 'USAGE_EXCEEDED':
      deny(req, res, 429, 'TOO_MANY_REQUESTS', 'This API key has no uses left');
      return;
    case 'DISABLED':
      deny(req, res, 401, 'UNAUTHORIZED', 'This API key is disabled');
      return;
    case 'EXPIRED':
      deny(req, res, 401, 'UNAUTHORIZED', 'This API key has expired');
      return;
    default:
      res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      deny(req, res, 401, 'UNAUTHORIZED', 'Invalid or revoked API key');
  }
}

/** The app's default error shape; `requestId` when the host app runs our request-id middleware. */
function deny(req: Request, res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message, ...(req.requestId ? { requestId: req.requestId } : {}) } });
}

function publicView(v: VerifyResult): AuthenticatedKey {
  const k = v.key;
  if (!k) throw new Error('a valid verification always carries its key');
  return {
    id: k.id,
    organizationId: k.organizationId,
    userId: k.userId,
    serviceAccountId: k.serviceAccountId,
    name: k.name,
    ownerId: k.ownerId,
    externalId: k.externalId,
    meta: k.meta,
    environment: k.environment,
    scopes: [...k.scopes],
    permissions: [...k.permissions].sort(),
    roles: [...k.roles],
    remaining: v.remaining ?? null,
  };
}

function checkedScopes(scopes: readonly string[]): string[] {
  const r = parseScopes(scopes);
  if (!r.ok) throw new TypeError(`requireApiKey: ${r.message}`);
  return r.scopes;
}

function checkedPermissions(q: PermissionQuery): PermissionQuery {
  const r = validatePermissionQuery(q);
  if (!r.ok) throw new TypeError(`requireApiKey: ${r.message}`);
  return r.query;
}
