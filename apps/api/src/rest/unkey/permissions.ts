import type { Router } from 'express';
import { parseWith } from '../../http/validate';
import { SCOPES } from '../../services/actor';
import { permissionJson, roleJson } from './render';
import type { UnkeyContext } from './router';
import { createPermissionBody, createRoleBody, permissionIdBody, roleIdBody } from './schemas';

export function permissionRoutes(r: Router, { services, json, root, actor }: UnkeyContext): void {
  const read = root(SCOPES.keysRead);
  const write = root(SCOPES.keysWrite);

  r.post('/permissions.createPermission', json, ...write, async (req, res) => {
    const b = parseWith(createPermissionBody, req.body);
    // Verification matches the slug; we keep one identifier, so the slug is the name when given.
    const permission = await services.rbac.createPermission(actor(req), { name: b.slug ?? b.name, description: b.description });
    res.json({ permissionId: permission.id });
  });

  r.get('/permissions.getPermission', ...read, async (req, res) => {
    const q = parseWith(permissionIdBody, req.query);
    res.json(permissionJson(await services.rbac.getPermission(actor(req), q.permissionId)));
  });

  r.get('/permissions.listPermissions', ...read, async (req, res) => {
    res.json((await services.rbac.listPermissions(actor(req))).map(permissionJson));
  });

  r.post('/permissions.deletePermission', json, ...write, async (req, res) => {
    const b = parseWith(permissionIdBody, req.body);
    await services.rbac.deletePermission(actor(req), b.permissionId);
    res.json({});
  });

  r.post('/permissions.createRole', json, ...write, async (req, res) => {
    const b = parseWith(createRoleBody, req.body);
    const role = await services.rbac.createRole(actor(req), b);
    res.json({ roleId: role.id });
  });

  r.get('/permissions.getRole', ...read, async (req, res) => {
    const q = parseWith(roleIdBody, req.query);
    res.json(roleJson(await services.rbac.getRole(actor(req), q.roleId)));
  });

  r.get('/permissions.listRoles', ...read, async (req, res) => {
    res.json((await services.rbac.listRoles(actor(req))).map(roleJson));
  });

  r.post('/permissions.deleteRole', json, ...write, async (req, res) => {
    const b = parseWith(roleIdBody, req.body);
    await services.rbac.deleteRole(actor(req), b.roleId);
    res.json({});
  });
}
