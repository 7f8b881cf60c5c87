import type { Router } from 'express';
import { parseWith } from '../../http/validate';
import { type Actor, SCOPES } from '../../services/actor';
import { notFound } from '../../services/errors';
import type { LinkKind, LinkOp } from '../../services/keys/links';
import type { KeyView } from '../../services/keys/types';
import { keyJson } from './render';
import type { UnkeyContext } from './router';
import {
  createKeyBody,
  deleteKeyBody,
  getKeyQuery,
  getVerificationsQuery,
  linkRefsOf,
  permissionRefs,
  ratelimitOf,
  refillOf,
  roleRefs,
  updateKeyBody,
  updateRemainingBody,
} from './schemas';

const LINK_ROUTES: { path: string; kind: LinkKind; op: LinkOp }[] = [
  { path: '/keys.addPermissions', kind: 'permissions', op: 'add' },
  { path: '/keys.setPermissions', kind: 'permissions', op: 'set' },
  { path: '/keys.removePermissions', kind: 'permissions', op: 'remove' },
  { path: '/keys.addRoles', kind: 'roles', op: 'add' },
  { path: '/keys.setRoles', kind: 'roles', op: 'set' },
  { path: '/keys.removeRoles', kind: 'roles', op: 'remove' },
];

export function keyRoutes(r: Router, { services, json, root, actor }: UnkeyContext): void {
  const read = root(SCOPES.keysRead);
  const write = root(SCOPES.keysWrite);

  /** Unkey has no revoked state: its delete is our revoke, so a revoked key reads as deleted. */
  async function liveKey(a: Actor, keyId: string): Promise<KeyView> {
    const key = await services.keys.get(a, keyId);
    if (key.revokedAt) throw notFound('Key not found');
    return key;
  }

  r.post('/keys.createKey', json, ...write, async (req, res) => {
    const b = parseWith(createKeyBody, req.body);
    const { key, secret } = await services.keys.create(actor(req), {
      source: 'unkey',
      apiId: b.apiId,
      prefix: b.prefix || null,
      name: b.name,
      byteLength: b.byteLength,
      ownerId: b.ownerId,
      externalId: b.externalId,
      meta: b.meta,
      roles: b.roles,
      permissions: b.permissions,
      expiresAt: b.expires !== undefined ? new Date(b.expires) : null,
      remaining: b.remaining,
      refill: b.refill && refillOf(b.refill),
      ratelimit: b.ratelimit && ratelimitOf(b.ratelimit),
      enabled: b.enabled,
      recoverable: b.recoverable,
      environment: b.environment,
      // Keys handed to customers verify; they must never act as root keys on this API.
      scopes: [],
    });
    res.json({ keyId: key.id, key: secret });
  });

  r.get('/keys.getKey', ...read, async (req, res) => {
    const q = parseWith(getKeyQuery, req.query);
    const a = actor(req);
    const key = await liveKey(a, q.keyId);
    const plaintext = q.decrypt && key.recoverable ? await services.keys.recover(a, key.id) : undefined;
    res.json(keyJson(key, plaintext));
  });

  r.post('/keys.updateKey', json, ...write, async (req, res) => {
    const b = parseWith(updateKeyBody, req.body);
    const a = actor(req);
    await liveKey(a, b.keyId);
    // Resolved first (creating what asks to be created), then replaced with the other fields in one update.
    const [permissions, roles] = await Promise.all([
      b.permissions && services.keys.resolveLinks(a, 'permissions', permissionRefs(b.permissions)),
      b.roles && services.keys.resolveLinks(a, 'roles', roleRefs(b.roles)),
    ]);
    await services.keys.update(a, b.keyId, {
      name: b.name,
      ownerId: b.ownerId,
      externalId: b.externalId,
      meta: b.meta,
      expiresAt: b.expires == null ? b.expires : new Date(b.expires),
      ratelimit: b.ratelimit && ratelimitOf(b.ratelimit),
      remaining: b.remaining,
      refill: b.refill && refillOf(b.refill),
      enabled: b.enabled,
      permissions: permissions?.map((p) => p.name),
      roles: roles?.map((role) => role.name),
    });
    res.json({});
  });

  r.post('/keys.deleteKey', json, ...write, async (req, res) => {
    const b = parseWith(deleteKeyBody, req.body);
    const a = actor(req);
    await liveKey(a, b.keyId);
    if (b.permanent) await services.keys.remove(a, b.keyId);
    else await services.keys.revoke(a, b.keyId);
    res.json({});
  });

  r.post('/keys.updateRemaining', json, ...write, async (req, res) => {
    const b = parseWith(updateRemainingBody, req.body);
    const a = actor(req);
    await liveKey(a, b.keyId);
    res.json({ remaining: await services.keys.updateRemaining(a, b.keyId, b.op, b.value) });
  });

  for (const { path, kind, op } of LINK_ROUTES) {
    r.post(path, json, ...write, async (req, res) => {
      const a = actor(req);
      const { keyId, refs } = linkRefsOf(kind, req.body);
      await liveKey(a, keyId);
      const linked = await services.keys.changeLinks(a, keyId, kind, op, refs);
      res.json(op === 'remove' ? {} : linked);
    });
  }

  r.get('/keys.getVerifications', ...read, async (req, res) => {
    const q = parseWith(getVerificationsQuery, req.query);
    const days = await services.verificationHistory.daily(actor(req), q);
    res.json({ verifications: days });
  });
}
