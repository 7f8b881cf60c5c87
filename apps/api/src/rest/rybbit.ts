import { MAX_SCOPES, parseScope } from '@keyward/core';
import express, { Router } from 'express';
import { z } from 'zod';
import type { Guard } from '../app';
import { actorFor } from '../auth/caller';
import { callerOf } from '../auth/require-caller';
import type { Logger } from '../http/logger';
import { surfaceErrors } from '../http/surface-errors';
import { parseWith, typeError } from '../http/validate';
import type { Services } from '../services';
import type { KeyView } from '../services/keys/types';
import { expiryFrom } from './expiry';

/** Seeds 01 and 02: Rybbit's user API keys, minted and revoked with a dashboard session. */
export const createBody = z.object({
  name: z.string({ error: typeError('a string') }).trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  // Shape checked by core's expiry normaliser, which names this field.
  expiresIn: z.unknown().optional().describe('Lifetime in seconds; omitted or null: the key never expires'),
  // Checked here too so the error names this surface's field, not the service's `scopes`.
  permissions: z
    .array(z.string().max(200).refine((p) => parseScope(p).ok, 'must be "read", "read-write" or "resource:action" such as "keys:read"'))
    .max(MAX_SCOPES)
    .optional(),
});
export const deleteBody = z.object({
  keyId: z.string({ error: typeError('a string') }).min(1, 'must not be empty').max(64, 'must be at most 64 characters'),
});

const sessionOnly = {
  accept: ['session'] as const,
  wrongKind: { status: 401 as const, message: 'This endpoint needs a dashboard session; an API key cannot mint or revoke keys' },
};

/** The documented key object; the OpenAPI document is generated from this schema. */
export const rybbitKeyResponse = z.object({
  id: z.string(),
  key: z.string().optional(),
  name: z.string().nullable(),
  start: z.string(),
  prefix: z.string(),
  userId: z.string().nullable(),
  enabled: z.boolean(),
  expiresAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  rateLimitEnabled: z.boolean(),
  rateLimitMax: z.number().int(),
  rateLimitTimeWindow: z.number().int(),
  permissions: z.array(z.string()),
});
export const rybbitDeleteResponse = z.object({ success: z.literal(true) });
/** The two paths answer errors differently: Rybbit's own `{error, code}` and better-auth's `{code, message}`. */
export const rybbitUserError = z.object({ error: z.string(), code: z.string() });
export const rybbitDeleteError = z.object({ code: z.string(), message: z.string() });

export function rybbitKeyJson(k: KeyView, secret?: string): z.infer<typeof rybbitKeyResponse> {
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
