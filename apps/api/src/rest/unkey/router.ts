import { satisfies } from '@keyward/core';
import express, { type Request, type RequestHandler, Router } from 'express';
import type { Guard } from '../../app';
import { actorFor } from '../../auth/caller';
import { callerOf } from '../../auth/require-caller';
import type { Logger } from '../../http/logger';
import { surfaceErrors } from '../../http/surface-errors';
import type { Services } from '../../services';
import type { Actor } from '../../services/actor';
import { notFound } from '../../services/errors';
import { apiRoutes } from './apis';
import { InsufficientPermissionsError, unkeyError } from './errors';
import { keyRoutes } from './keys';
import { permissionRoutes } from './permissions';
import { verifyRoutes } from './verify';

export interface UnkeyContext {
  services: Services;
  /** The body parser, on each route, so paths of other surfaces under /v1 keep their own error shape. */
  json: RequestHandler;
  /** Root-key authentication and the scope the route needs. */
  root(scope: string): RequestHandler[];
  actor(req: Request): Actor;
}

/** Every path of the Unkey v1 families this surface serves, existing or not. */
const UNKEY_PATH = /^\/(keys|apis|permissions)\.[A-Za-z]+$/;

/**
 * Seed 04: the Unkey v1 keys/apis/permissions API, wire-compatible with `@unkey/api` 0.x.
 * A root key is any organization API key whose scopes cover the route (`keys:read` to read,
 * `keys:write` to change); verifyKey, as in Unkey, needs none.
 */
export function unkeyRoutes(services: Services, guard: Guard, log: Logger, bodyLimit: string): Router {
  const r = Router();
  const rootKey = guard({
    accept: ['key'],
    wrongKind: { status: 401, message: 'Unkey endpoints take a root key: an organization API key with keys scopes' },
  });
  const ctx: UnkeyContext = {
    services,
    json: express.json({ limit: bodyLimit }),
    root: (scope) => [
      rootKey,
      (req, _res, next) => {
        const caller = callerOf(req);
        if (caller.kind === 'key' && !satisfies(caller.key.scopes, scope)) throw new InsufficientPermissionsError(scope);
        next();
      },
    ],
    actor: (req) => actorFor(callerOf(req), req),
  };

  verifyRoutes(r, ctx);
  keyRoutes(r, ctx);
  apiRoutes(r, ctx);
  permissionRoutes(r, ctx);
  r.all(UNKEY_PATH, (req) => {
    throw notFound(`No route for ${req.method} ${req.baseUrl}${req.path}`);
  });

  r.use(surfaceErrors(log, unkeyError));
  return r;
}
