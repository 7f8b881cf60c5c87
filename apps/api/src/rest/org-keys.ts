import { satisfies } from '@keyward/core';
import express, { type Request, type Response, Router } from 'express';
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

/** Seed 03: org keys under an envelope `{code, data, message, requestId}`. */
const scope = z.enum(['read', 'read-write'], { error: 'must be "read" or "read-write"' });
const name = z.string({ error: typeError('a string') }).trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const description = z.string({ error: typeError('a string') }).max(1000, 'must be at most 1000 characters');
const expiresAt = z.string({ error: typeError('an ISO-8601 date-time string') }).max(64, 'must be at most 64 characters');
// null reads as "not set", as clients that serialise every field send it.
export const createBody = z.object({
  name,
  description: description.nullish(),
  expiresAt: expiresAt.nullish(),
  scope: scope.nullish(),
  serviceAccountId: z.string({ error: typeError('a string') }).min(1, 'must not be empty').max(64, 'must be at most 64 characters').nullish(),
});
export const patchBody = z.object({
  name: name.optional(),
  description: description.nullable().optional(),
  expiresAt: expiresAt.nullable().optional(),
  scope: scope.optional(),
});
export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(512).optional(),
  status: z.enum(['active', 'disabled', 'expired', 'revoked', 'exhausted']).optional(),
});
export const idParam = z.object({ id: z.string().min(1).max(64) });
export const saBody = z.object({ name, description: description.nullish() });

const accepts = { accept: ['session', 'key'] as const };

/** The seed's two-valued scope, read back from a key's scope list. */
const scopeOf = (scopes: readonly string[]) => (satisfies(scopes, 'keys:write') ? 'read-write' : 'read');
const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Seed 03's response shapes; the OpenAPI document is generated from these. */
const isoOrNull = z.iso.datetime().nullable();
export const orgKeyResponse = z.object({
  createdAt: z.iso.datetime(),
  createdBy: z.string().nullable(),
  description: z.string().nullable(),
  expiresAt: isoOrNull,
  id: z.string(),
  key: z.string().optional().describe('The full plaintext API key, shown only once, at creation. Store it securely.'),
  keyPrefix: z.string(),
  lastUsedAt: isoOrNull,
  lastUsedIp: z.string().nullable(),
  lastUsedUserAgent: z.string().nullable(),
  name: z.string().nullable(),
  organizationId: z.string(),
  revokedAt: isoOrNull,
  scope: z.enum(['read', 'read-write']),
  serviceAccountId: z.string().nullable(),
  userId: z.string().nullable(),
});
export const serviceAccountResponse = z.object({
  id: z.string(),
  organizationId: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
});
export const orgEnvelope = <T extends z.ZodType>(data: T) =>
  z.object({ code: z.literal(200), data, message: z.literal('success'), requestId: z.string() });
export const orgPage = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
export const orgError = z.object({ code: z.number().int(), data: z.null(), message: z.string(), requestId: z.string() });

export function orgKeyJson(k: KeyView, secret?: string): z.infer<typeof orgKeyResponse> {
  return {
    createdAt: k.createdAt.toISOString(),
    createdBy: k.createdBy,
    description: k.description,
    expiresAt: iso(k.expiresAt),
    id: k.id,
    ...(secret !== undefined ? { key: secret } : {}),
    keyPrefix: k.start,
    lastUsedAt: iso(k.lastUsedAt),
    lastUsedIp: k.lastUsedIp,
    lastUsedUserAgent: k.lastUsedUserAgent,
    name: k.name,
    organizationId: k.organizationId,
    revokedAt: iso(k.revokedAt),
    scope: scopeOf(k.scopes),
    serviceAccountId: k.serviceAccountId,
    userId: k.userId,
  };
}

const ok = (req: Request, res: Response, data: unknown) =>
  res.json({ code: 200, data, message: 'success', requestId: req.requestId });

export function orgKeyRoutes(services: Services, guard: Guard, log: Logger, bodyLimit: string): Router {
  const r = Router();
  // Per route, not router-wide: other surfaces share the /v1 mount and parse (and answer) their own bodies.
  const json = express.json({ limit: bodyLimit });
  const actor = (req: Request) => actorFor(callerOf(req), req);

  r.post('/api-keys', json, guard(accepts), async (req, res) => {
    const body = parseWith(createBody, req.body);
    const { key, secret } = await services.keys.create(actor(req), {
      source: 'org',
      name: body.name,
      description: body.description ?? null,
      expiresAt: expiryFrom({ expiresAt: body.expiresAt }, 'expiresAt'),
      // No scope asked for mints the least privilege; read-write is opt-in.
      scopes: [body.scope ?? 'read'],
      serviceAccountId: body.serviceAccountId ?? null,
    });
    ok(req, res, orgKeyJson(key, secret));
  });

  r.get('/api-keys', guard(accepts), async (req, res) => {
    const q = parseWith(listQuery, req.query);
    const page = await services.keys.list(actor(req), q);
    ok(req, res, { items: page.keys.map((k) => orgKeyJson(k)), nextCursor: page.nextCursor });
  });

  r.get('/api-keys/:id', guard(accepts), async (req, res) => {
    const { id } = parseWith(idParam, req.params);
    ok(req, res, orgKeyJson(await services.keys.get(actor(req), id)));
  });

  r.patch('/api-keys/:id', json, guard(accepts), async (req, res) => {
    const { id } = parseWith(idParam, req.params);
    const body = parseWith(patchBody, req.body);
    const updated = await services.keys.update(actor(req), id, {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(body.expiresAt !== undefined ? { expiresAt: body.expiresAt === null ? null : expiryFrom({ expiresAt: body.expiresAt }, 'expiresAt') } : {}),
      ...(body.scope !== undefined ? { scopes: [body.scope] } : {}),
    });
    ok(req, res, orgKeyJson(updated));
  });

  r.delete('/api-keys/:id', guard(accepts), async (req, res) => {
    const { id } = parseWith(idParam, req.params);
    ok(req, res, orgKeyJson(await services.keys.revoke(actor(req), id)));
  });

  r.post('/service-accounts', json, guard(accepts), async (req, res) => {
    const body = parseWith(saBody, req.body);
    ok(req, res, serviceAccountJson(await services.serviceAccounts.create(actor(req), body)));
  });

  r.get('/service-accounts', guard(accepts), async (req, res) => {
    const q = parseWith(listQuery.omit({ status: true }), req.query);
    const page = await services.serviceAccounts.list(actor(req), q);
    ok(req, res, { items: page.items.map(serviceAccountJson), nextCursor: page.nextCursor });
  });

  r.use(surfaceErrors(log, (p, requestId) => ({ code: p.status, data: null, message: p.message, requestId })));
  return r;
}

function serviceAccountJson(sa: { id: string; organizationId: string; name: string; description: string | null; createdBy: string; createdAt: Date }): z.infer<typeof serviceAccountResponse> {
  return {
    id: sa.id,
    organizationId: sa.organizationId,
    name: sa.name,
    description: sa.description,
    createdBy: sa.createdBy,
    createdAt: sa.createdAt.toISOString(),
  };
}
