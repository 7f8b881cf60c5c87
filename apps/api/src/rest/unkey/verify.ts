import { validatePermissionQuery } from '@keyward/core';
import type { Router } from 'express';
import { clientInfo } from '../../http/client-info';
import { parseWith } from '../../http/validate';
import type { Services } from '../../services';
import type { ClientInfo } from '../../services/accounts';
import { badRequest } from '../../services/errors';
import { verifyJson } from './render';
import type { UnkeyContext } from './router';
import { verifyKeyBody } from './schemas';

/** Depth and size bounds on `authorization.permissions`, so no query is costly to check. */
const QUERY_LIMITS = { maxDepth: 8, maxNodes: 256 };

export const VERIFY_KEY_PATH = '/v1/keys.verifyKey';

/**
 * keys.verifyKey: no root key, as in Unkey (the SDK still sends one; it is ignored). Always 200
 * for a well-formed request; the outcome is in `valid` and `code`. Served by the fast path for
 * plain requests (see fastJsonRoute) and by the route below for the rest, both through this function.
 */
export async function verifyKeyAnswer(services: Services, body: unknown, client: ClientInfo & { requestId: string }): Promise<object> {
  const b = parseWith(verifyKeyBody, body);
  const query = b.authorization?.permissions;
  let permissions: ReturnType<typeof validatePermissionQuery> | undefined;
  if (query !== undefined && query !== null) {
    permissions = validatePermissionQuery(query, QUERY_LIMITS);
    if (!permissions.ok) throw badRequest(`authorization.permissions: ${permissions.message}`, 'authorization.permissions');
  }
  const result = await services.verifier.verify(b.key, {
    ip: client.ip,
    userAgent: client.userAgent,
    ...(b.apiId !== undefined ? { apiId: b.apiId } : {}),
    ...(permissions?.ok ? { permissions: permissions.query } : {}),
    ...(b.ratelimit?.cost !== undefined ? { ratelimitCost: b.ratelimit.cost } : {}),
    ...(b.ratelimits ? { ratelimits: b.ratelimits.map(({ duration, ...rest }) => ({ ...rest, durationMs: duration })) } : {}),
    ...(b.remaining?.cost !== undefined ? { remainingCost: b.remaining.cost } : {}),
  });
  return verifyJson(result, client.requestId);
}

export function verifyRoutes(r: Router, { services, json }: UnkeyContext): void {
  r.post('/keys.verifyKey', json, async (req, res) => {
    res.json(await verifyKeyAnswer(services, req.body, { ...clientInfo(req), requestId: req.requestId }));
  });
}
