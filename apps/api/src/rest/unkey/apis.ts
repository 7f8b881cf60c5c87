import type { Router } from 'express';
import { parseWith } from '../../http/validate';
import { SCOPES } from '../../services/actor';
import { keyJson } from './render';
import type { UnkeyContext } from './router';
import { apiIdBody, createApiBody, getApiQuery, listKeysQuery } from './schemas';

/** Unkey's page size when the request names none. */
const DEFAULT_LIMIT = 100;

export function apiRoutes(r: Router, { services, json, root, actor }: UnkeyContext): void {
  const read = root(SCOPES.keysRead);
  const write = root(SCOPES.keysWrite);

  r.post('/apis.createApi', json, ...write, async (req, res) => {
    const b = parseWith(createApiBody, req.body);
    const api = await services.apis.create(actor(req), b);
    res.json({ apiId: api.id });
  });

  r.get('/apis.getApi', ...read, async (req, res) => {
    const q = parseWith(getApiQuery, req.query);
    const api = await services.apis.get(actor(req), q.apiId);
    res.json({ id: api.id, workspaceId: api.organizationId, name: api.name });
  });

  r.post('/apis.deleteApi', json, ...write, async (req, res) => {
    const b = parseWith(apiIdBody, req.body);
    await services.apis.remove(actor(req), b.apiId);
    res.json({});
  });

  r.get('/apis.listKeys', ...read, async (req, res) => {
    const q = parseWith(listKeysQuery, req.query);
    const a = actor(req);
    const page = await services.apis.listKeys(a, q.apiId, {
      limit: q.limit ?? DEFAULT_LIMIT,
      ...(q.cursor ? { cursor: q.cursor } : {}),
      ...(q.ownerId ? { ownerId: q.ownerId } : {}),
      ...(q.externalId ? { externalId: q.externalId } : {}),
    });
    const keys = await Promise.all(
      page.keys.map(async (k) => keyJson(k, q.decrypt && k.recoverable ? await services.keys.recover(a, k.id) : undefined)),
    );
    res.json({ keys, ...(page.nextCursor ? { cursor: page.nextCursor } : {}), total: page.total });
  });
}
