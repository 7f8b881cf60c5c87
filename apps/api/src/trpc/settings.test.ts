import { describeEachDb } from '@keyward/db/testing';
import type { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signUp, uniqueEmail } from '../test-support/http';
import { startTestServer, type TestServer } from '../test-support/server';
import { joinAs } from '../test-support/team';
import { trpcClient } from '../test-support/trpc';
import type { AppRouter } from './router';

async function failure(p: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  try {
    await p;
  } catch (err) {
    return err as TRPCClientError<AppRouter>;
  }
  throw new Error('expected the call to fail');
}

async function expectBadInput(p: Promise<unknown>, field: string) {
  const err = await failure(p);
  expect(err.data?.httpStatus).toBe(400);
  expect(err.data?.field).toBe(field);
}

describeEachDb('service accounts, APIs and roles through tRPC', (driver) => {
  let s: TestServer;
  let owner: ReturnType<typeof trpcClient>;
  let member: ReturnType<typeof trpcClient>;
  let stranger: ReturnType<typeof trpcClient>;

  beforeAll(async () => {
    s = await startTestServer(driver);
    const o = await signUp(s.url, uniqueEmail('settings-owner'), 'Owner');
    owner = trpcClient(s.url, o.token);
    member = trpcClient(s.url, (await joinAs(s.url, o.token, 'member', 'settings-member')).token);
    // Sign-up is closed past the first account: the stranger joins, then works in an organization of their own.
    stranger = trpcClient(s.url, (await joinAs(s.url, o.token, 'member', 'stranger')).token);
    await stranger.orgs.create.mutate({ name: 'Stranger Co' });
  });
  afterAll(() => s.close());

  it('service accounts: the owner creates and lists; a member may list but not create; another org sees none', async () => {
    const sa = await owner.serviceAccounts.create.mutate({ name: '  ci-runner ', description: 'Deploys' });
    expect(sa).toMatchObject({ name: 'ci-runner', description: 'Deploys' });
    expect((await owner.serviceAccounts.list.query()).items.map((a) => a.id)).toContain(sa.id);
    expect((await member.serviceAccounts.list.query({ limit: 10 })).items.map((a) => a.id)).toContain(sa.id);
    expect((await failure(member.serviceAccounts.create.mutate({ name: 'nope' }))).data?.httpStatus).toBe(403);
    expect((await stranger.serviceAccounts.list.query()).items).toEqual([]);
    await expectBadInput(owner.serviceAccounts.create.mutate({ name: '   ' }), 'name');
    await expectBadInput(owner.serviceAccounts.create.mutate({ name: 'x', description: 'd'.repeat(1001) }), 'description');
  });

  it('APIs: the default comes first; the owner creates and deletes; the default is protected; members and strangers are refused', async () => {
    const before = await owner.apis.list.query();
    expect(before).toHaveLength(1);
    expect(before[0]?.isDefault).toBe(true);
    const api = await owner.apis.create.mutate({ name: 'Payments' });
    expect((await owner.apis.list.query()).map((a) => [a.name, a.isDefault])).toEqual([
      [before[0]?.name, true],
      ['Payments', false],
    ]);
    const { key } = await owner.keys.create.mutate({ name: 'in payments', apiId: api.id });
    expect(key.apiId).toBe(api.id);

    expect((await member.apis.list.query()).map((a) => a.id)).toContain(api.id);
    expect((await failure(member.apis.create.mutate({ name: 'nope' }))).data?.httpStatus).toBe(403);
    expect((await failure(member.apis.delete.mutate({ id: api.id }))).data?.httpStatus).toBe(403);
    expect((await stranger.apis.list.query()).map((a) => a.id)).not.toContain(api.id);
    expect((await failure(stranger.apis.delete.mutate({ id: api.id }))).data?.httpStatus).toBe(404);
    expect((await failure(stranger.keys.create.mutate({ name: 'x', apiId: api.id }))).data?.httpStatus).toBe(404);

    const protectedDefault = await failure(owner.apis.delete.mutate({ id: before[0]?.id ?? '' }));
    expect(protectedDefault.data?.httpStatus).toBe(409);
    expect(protectedDefault.data?.field).toBe('apiId');
    expect(await owner.apis.delete.mutate({ id: api.id })).toEqual({ success: true });
    expect((await owner.apis.list.query()).map((a) => a.id)).not.toContain(api.id);
    expect((await failure(owner.keys.get.query({ id: key.id }))).data?.httpStatus).toBe(404);
    await expectBadInput(owner.apis.create.mutate({ name: '' }), 'name');
    await expectBadInput(owner.apis.create.mutate({ name: 'x'.repeat(201) }), 'name');
  });

  it('permissions and roles: created with permission names, listed, deleted; members and strangers are refused', async () => {
    const perm = await owner.rbac.createPermission.mutate({ name: 'billing.read', description: 'Read invoices' });
    const role = await owner.rbac.createRole.mutate({ name: 'billing-admin', permissions: ['billing.read', 'billing.write'] });
    expect(role).toMatchObject({ name: 'billing-admin' });
    // A new permission name in a role is created, as keys do.
    expect((await owner.rbac.listPermissions.query()).map((p) => p.name)).toEqual(['billing.read', 'billing.write']);
    expect((await member.rbac.listRoles.query()).map((r) => [r.name, r.permissions])).toEqual([['billing-admin', ['billing.read', 'billing.write']]]);
    expect(await stranger.rbac.listRoles.query()).toEqual([]);
    expect(await stranger.rbac.listPermissions.query()).toEqual([]);

    expect((await failure(member.rbac.createPermission.mutate({ name: 'x' }))).data?.httpStatus).toBe(403);
    expect((await failure(member.rbac.createRole.mutate({ name: 'x' }))).data?.httpStatus).toBe(403);
    expect((await failure(member.rbac.deleteRole.mutate({ id: role.id }))).data?.httpStatus).toBe(403);
    expect((await failure(member.rbac.deletePermission.mutate({ id: perm.id }))).data?.httpStatus).toBe(403);
    expect((await failure(stranger.rbac.deleteRole.mutate({ id: role.id }))).data?.httpStatus).toBe(404);

    const dup = await failure(owner.rbac.createPermission.mutate({ name: 'billing.read' }));
    expect(dup.data?.httpStatus).toBe(409);
    expect(dup.data?.field).toBe('name');
    await expectBadInput(owner.rbac.createPermission.mutate({ name: 'has spaces!' }), 'name');
    await expectBadInput(owner.rbac.createRole.mutate({ name: '' }), 'name');
    await expectBadInput(owner.rbac.createRole.mutate({ name: 'ok', permissions: ['bad name'] }), 'permissions');

    expect(await owner.rbac.deleteRole.mutate({ id: role.id })).toEqual({ success: true });
    expect(await owner.rbac.deletePermission.mutate({ id: perm.id })).toEqual({ success: true });
    expect(await owner.rbac.listRoles.query()).toEqual([]);
    expect((await owner.rbac.listPermissions.query()).map((p) => p.name)).toEqual(['billing.write']);
  });

  it('the leaked-key policy is readable by members and changeable by owners only', async () => {
    expect((await member.orgs.current.query()).leakedKeyPolicy).toBe('revoke');
    expect((await failure(member.orgs.setLeakedKeyPolicy.mutate({ policy: 'flag' }))).data?.httpStatus).toBe(403);
    await owner.orgs.setLeakedKeyPolicy.mutate({ policy: 'flag' });
    expect((await owner.orgs.current.query()).leakedKeyPolicy).toBe('flag');
    expect((await stranger.orgs.current.query()).leakedKeyPolicy).toBe('revoke');
  });
});
