import express, { Router } from 'express';
import { z } from 'zod';
import type { Guard } from '../app';
import { actorFor } from '../auth/caller';
import { callerOf } from '../auth/require-caller';
import type { Logger } from '../http/logger';
import { surfaceErrors } from '../http/surface-errors';
import { parseWith, typeError } from '../http/validate';
import type { Services } from '../services';
import { unauthorized } from '../services/errors';
import type { IdempotentResponse } from '../services/idempotency';
import type { KeyView } from '../services/keys/types';
import { expiryFrom } from './expiry';

/** Seed 05: Wubble's `POST /v1/apikeys`, minted from a dashboard session, honouring `Idempotency-Key`. */
export const WUBBLE_PREFIX = 'wbk';
/** Ten years, inside core's expiry ceiling. */
const MAX_DAYS = 3650;

export const createBody = z.object({
  name: z.string({ error: typeError('a string') }).trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  // Each entry is checked against core's scope grammar by the key service; omitted = full access.
  scopes: z
    .array(z.string({ error: typeError('a string') }).max(200, 'must be at most 200 characters'), { error: typeError('an array of strings') })
    .min(1, 'must not be empty; omit scopes for full access')
    .optional(),
  expires_in_days: z
    .number({ error: typeError('a number') })
    .int('must be a whole number of days')
    .min(1, 'must be at least 1')
    .max(MAX_DAYS, `must be at most ${MAX_DAYS}`)
    .nullish(),
});

const sessionOnly = {
  accept: ['session'] as const,
  wrongKind: { status: 403 as const, message: 'API keys cannot mint keys here: POST /v1/apikeys needs a dashboard session' },
};

/** Wubble's response shapes; the OpenAPI document is generated from these. */
const wubbleKey = z.object({
  key_id: z.string(),
  name: z.string().nullable(),
  key: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  expires_at: z.iso.datetime().nullable(),
  created_at: z.iso.datetime(),
});
export const wubbleCreateResponse = z.object({ success: z.literal(true), data: wubbleKey });
export const wubbleError = z.object({
  success: z.literal(false),
  error: z.object({ code: z.string(), message: z.string(), request_id: z.string() }),
});

export function wubbleKeyJson(k: KeyView, secret: string): z.infer<typeof wubbleKey> {
  return {
    key_id: k.id,
    name: k.name,
    key: secret,
    prefix: k.start,
    scopes: k.scopes,
    expires_at: k.expiresAt?.toISOString() ?? null,
    created_at: k.createdAt.toISOString(),
  };
}

export function wubbleRoutes(services: Services, guard: Guard, log: Logger, bodyLimit: string): Router {
  const r = Router();
  r.post('/apikeys', express.json({ limit: bodyLimit }), guard(sessionOnly), async (req, res) => {
    const body = parseWith(createBody, req.body);
    const caller = callerOf(req);
    if (caller.kind !== 'session') throw unauthorized();
    const actor = actorFor(caller, req);
    const mint = async (): Promise<IdempotentResponse> => {
      const { key, secret } = await services.keys.create(actor, {
        source: 'wubble',
        prefix: WUBBLE_PREFIX,
        name: body.name,
        scopes: body.scopes ?? ['*'],
        expiresAt: expiryFrom({ expiresInDays: body.expires_in_days }, 'expires_in_days'),
      });
      return { status: 200, body: { success: true, data: wubbleKeyJson(key, secret) } };
    };
    const idempotencyKey = req.get('idempotency-key');
    const result =
      idempotencyKey === undefined
        ? { ...(await mint()), replayed: false }
        : await services.idempotency.run({ userId: caller.user.id, key: idempotencyKey, route: 'POST /v1/apikeys', body }, mint);
    if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(result.status).json(result.body);
  });
  r.use(
    surfaceErrors(log, (p, requestId) => ({ success: false, error: { code: p.code, message: p.message, request_id: requestId } })),
  );
  return r;
}
