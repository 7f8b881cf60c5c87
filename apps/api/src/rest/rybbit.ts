import express, { Router } from 'express';
import { z } from 'zod';
import type { Guard } from '../app';
import { actorFor } from '../auth/caller';
import { callerOf } from '../auth/require-caller';
import type { Logger } from '../http/logger';
import { surfaceErrors } from '../http/surface-errors';
import { parseWith } from '../http/validate';
import type { Services } from '../services';
import type { KeyView } from '../services/keys/types';
import { expiryFrom } from './expiry';

/** Seeds 01 and 02: Rybbit's user API keys, minted and revoked with a dashboard session. */
const createBody = z.object({
  name: z.string({ error: 'is required' }).trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  expiresIn: z.unknown().optional(),
  permissions: z.array(z.string().max(200)).max(64).optional(),
});
const deleteBody = z.object({ keyId: z.string({ error: 'is required' }).min(1, 'must not be empty').max(64) });

const sessionOnly = {
  accept: ['session'] as const,
  wrongKind: { status: 401 as const, message: 'This endpoint needs a dashboard session; an API key cannot mint or revoke keys' },
};

export function rybbitKeyJson(k: KeyView, secret?: string) {
  return {
    id: k.id,
    ...(secret !== undefined ? { key: secret } : {}),
    name: k.name,
    start: k.start,
    prefix: `${k.prefix}_`,
    userId: k.userId,
    enabled: k.enabled,
    expiresAt: k.expiresAt?.toISOString() ?? null,
    createdAt: k.createdAt.toISOString(),
    updatedAt: k.updatedAt.toISOString(),
    rateLimitEnabled: true,
    rateLimitMax: k.ratelimit.limit,
    rateLimitTimeWindow: k.ratelimit.durationMs,
    permissions: k.scopes,
  };
}

/** POST /api/user/api-keys — errors as Rybbit's API answers them: `{ error }`. */
export function rybbitUserRoutes(services: Services, guard: Guard, log: Logger, bodyLimit: string): Router {
  const r = Router();
  r.post('/api-keys', express.json({ limit: bodyLimit }), guard(sessionOnly), async (req, res) => {
    const body = parseWith(createBody, req.body);
    const actor = actorFor(callerOf(req), req);
    const { key, secret } = await services.keys.create(actor, {
      source: 'rybbit',
      name: body.name,
      expiresAt: expiryFrom({ expiresIn: body.expiresIn }, 'expiresIn'),
      scopes: body.permissions ?? ['read-write'],
    });
    res.json(rybbitKeyJson(key, secret));
  });
  r.use(surfaceErrors(log, (p) => ({ error: p.message, code: p.code })));
  return r;
}

/** POST /api/auth/api-key/delete — better-auth's path and error shape `{ code, message }`. */
export function rybbitDeleteRoutes(services: Services, guard: Guard, log: Logger, bodyLimit: string): Router {
  const r = Router();
  r.post('/delete', express.json({ limit: bodyLimit }), guard(sessionOnly), async (req, res) => {
    const body = parseWith(deleteBody, req.body);
    await services.keys.revoke(actorFor(callerOf(req), req), body.keyId, { ownOnly: true });
    res.json({ success: true });
  });
  r.use(surfaceErrors(log, (p) => ({ code: p.code, message: p.message })));
  return r;
}
