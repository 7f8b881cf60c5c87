import { describeEachDb } from '@keyward/db/testing';
import type { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { betterAuthCookie, call, signUp, uniqueEmail } from '../test-support/http';
import { startTestServer, type TestServer } from '../test-support/server';
import { joinAs, type SignedUp } from '../test-support/team';
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

describeEachDb('organizations through tRPC', (driver) => {
  let s: TestServer;
  let owner: SignedUp;
  let api: ReturnType<typeof trpcClient>;
  let firstOrgId: string;

  beforeAll(async () => {
    s = await startTestServer(driver);
    owner = await signUp(s.url, uniqueEmail('owner'), 'Owner');
    api = trpcClient(s.url, owner.token);
    firstOrgId = (await api.orgs.current.query()).id;
  });
  afterAll(() => s.close());

  it('lists my organizations with my role and the active one', async () => {
    const mine = await api.orgs.mine.query();
    expect(mine.activeOrganizationId).toBe(firstOrgId);
    expect(mine.organizations).toEqual([{ id: firstOrgId, name: "Owner's organization", plan: 'standard', role: 'owner' }]);
    expect(await api.orgs.current.query()).toMatchObject({
      id: firstOrgId,
      role: 'owner',
      plan: 'standard',
      limits: { rateLimit: 200, rateWindowMs: 60_000 },
    });
  });

  it('creates an organization, makes me its owner and switches to it; switching back works', async () => {
    const org = await api.orgs.create.mutate({ name: '  Second Org  ' });
    expect(org).toMatchObject({ name: 'Second Org', plan: 'standard' });
    expect((await api.orgs.current.query()).id).toBe(org.id);
    const mine = await api.orgs.mine.query();
    expect(mine.organizations.map((o) => [o.id, o.role])).toEqual([
      [firstOrgId, 'owner'],
      [org.id, 'owner'],
    ]);

    // Keys land in the active organization and stay there.
    const { key } = await api.keys.create.mutate({ name: 'in the second org' });
    expect(key.organizationId).toBe(org.id);
    const back = await api.orgs.switch.mutate({ organizationId: firstOrgId });
    expect(back).toEqual({ organizationId: firstOrgId, role: 'owner', plan: 'standard' });
    expect((await api.orgs.current.query()).id).toBe(firstOrgId);
    expect((await failure(api.keys.get.query({ id: key.id }))).data?.httpStatus).toBe(404);
    // The session remembers the choice for every surface.
    const rest = await call(s.url, 'POST', '/api/user/api-keys', { headers: betterAuthCookie(owner.token), body: { name: 'rybbit' } });
    expect((await api.keys.get.query({ id: rest.body.id })).organizationId).toBe(firstOrgId);
  });

  it("refuses to switch to an organization I don't belong to, or one that does not exist", async () => {
    const outsider = await joinAs(s.url, owner.token, 'member', 'outsider');
    const outsiderApi = trpcClient(s.url, outsider.token);
    const theirs = await outsiderApi.orgs.create.mutate({ name: 'Outsider Inc' });
    for (const organizationId of [theirs.id, 'org_doesnotexist']) {
      const err = await failure(api.orgs.switch.mutate({ organizationId }));
      expect(err.data?.httpStatus).toBe(403);
      expect(err.message).toMatch(/not a member/);
    }
    expect((await api.orgs.current.query()).id).toBe(firstOrgId);
  });

  it('invites, lists pending invitations, and lets the invitee sign up with the role', async () => {
    const email = uniqueEmail('Invitee').toUpperCase();
    const inv = await api.orgs.invite.mutate({ email, role: 'admin' });
    expect(inv).toMatchObject({ organizationId: firstOrgId, email: email.toLowerCase(), role: 'admin', acceptedAt: null, invitedBy: owner.userId });
    expect(new Date(inv.expiresAt).getTime()).toBeGreaterThan(Date.now() + 13 * 86_400_000);
    expect((await api.orgs.invitations.query()).map((i) => i.id)).toContain(inv.id);

    const invitee = await signUp(s.url, email.toLowerCase(), 'Invitee');
    expect((await api.orgs.invitations.query()).map((i) => i.id)).not.toContain(inv.id);
    const members = await api.orgs.members.query();
    expect(members.find((m) => m.userId === invitee.userId)).toMatchObject({ role: 'admin', email: email.toLowerCase(), name: 'Invitee' });

    const again = await failure(api.orgs.invite.mutate({ email, role: 'member' }));
    expect(again.data?.httpStatus).toBe(409);
    expect(again.data?.field).toBe('email');
  });

  it('lets an existing account accept an invitation into another organization, once', async () => {
    const existing = await joinAs(s.url, owner.token, 'member', 'existing');
    const existingApi = trpcClient(s.url, existing.token);
    const other = await existingApi.orgs.create.mutate({ name: 'Other Co' });
    // The owner of Other Co invites the first org's owner, who already has an account.
    const inv = await existingApi.orgs.invite.mutate({ email: owner.email, role: 'admin' });
    expect(inv.organizationId).toBe(other.id);

    // Nobody else can see or take it.
    expect((await existingApi.orgs.myInvitations.query()).map((i) => i.id)).not.toContain(inv.id);
    expect((await failure(existingApi.orgs.acceptInvitation.mutate({ invitationId: inv.id }))).data?.httpStatus).toBe(404);

    const waiting = await api.orgs.myInvitations.query();
    expect(waiting.find((i) => i.id === inv.id)).toMatchObject({ organizationId: other.id, organizationName: 'Other Co', role: 'admin' });
    expect(await api.orgs.acceptInvitation.mutate({ invitationId: inv.id })).toEqual({ organizationId: other.id, role: 'admin', plan: 'standard' });
    expect(await api.orgs.current.query()).toMatchObject({ id: other.id, role: 'admin' });
    expect((await api.orgs.mine.query()).organizations.map((o) => o.id)).toContain(firstOrgId);
    expect((await api.orgs.myInvitations.query()).map((i) => i.id)).not.toContain(inv.id);
    expect((await failure(api.orgs.acceptInvitation.mutate({ invitationId: inv.id }))).data?.httpStatus).toBe(404);

    const joins = await existingApi.audit.list.query({ action: 'member.join', actorId: owner.userId });
    expect(joins.items).toHaveLength(1);
    await api.orgs.switch.mutate({ organizationId: firstOrgId });
  });

  it('lists members with their roles; an admin sees them but cannot change them', async () => {
    const admin = await joinAs(s.url, owner.token, 'admin');
    const member = await joinAs(s.url, owner.token, 'member');
    const adminApi = trpcClient(s.url, admin.token);
    const members = await adminApi.orgs.members.query();
    expect(members.map((m) => m.userId)).toEqual(expect.arrayContaining([owner.userId, admin.userId, member.userId]));
    expect(members.find((m) => m.userId === owner.userId)?.role).toBe('owner');
    for (const attempt of [
      () => adminApi.orgs.setRole.mutate({ userId: member.userId, role: 'admin' }),
      () => adminApi.orgs.removeMember.mutate({ userId: member.userId }),
      () => adminApi.orgs.invite.mutate({ email: uniqueEmail(), role: 'member' }),
      () => adminApi.orgs.setPlan.mutate({ plan: 'pro' }),
    ]) {
      const err = await failure(attempt());
      expect(err.data?.httpStatus).toBe(403);
      expect(err.message).toMatch(/owner/);
    }
  });

  it('changes roles, and never demotes or removes the last owner', async () => {
    const member = await joinAs(s.url, owner.token, 'member');
    expect(await api.orgs.setRole.mutate({ userId: member.userId, role: 'admin' })).toEqual({ success: true });
    expect((await api.orgs.members.query()).find((m) => m.userId === member.userId)?.role).toBe('admin');

    const demote = await failure(api.orgs.setRole.mutate({ userId: owner.userId, role: 'member' }));
    expect(demote.data?.httpStatus).toBe(409);
    expect(demote.message).toMatch(/at least one owner/);
    const leave = await failure(api.orgs.removeMember.mutate({ userId: owner.userId }));
    expect(leave.data?.httpStatus).toBe(409);

    // With a second owner, the first may step down.
    await api.orgs.setRole.mutate({ userId: member.userId, role: 'owner' });
    await api.orgs.setRole.mutate({ userId: owner.userId, role: 'admin' });
    expect((await api.orgs.current.query()).role).toBe('admin');
    const secondOwner = trpcClient(s.url, member.token);
    const lastOne = await failure(secondOwner.orgs.setRole.mutate({ userId: member.userId, role: 'member' }));
    expect(lastOne.data?.httpStatus).toBe(409);
    await secondOwner.orgs.setRole.mutate({ userId: owner.userId, role: 'owner' });
    expect((await api.orgs.current.query()).role).toBe('owner');

    const unknown = await failure(api.orgs.setRole.mutate({ userId: 'user_nobody', role: 'admin' }));
    expect(unknown.data?.httpStatus).toBe(404);
  });

  it('removes a member: their keys stop at once and the session no longer reaches the org', async () => {
    const member = await joinAs(s.url, owner.token, 'member');
    const memberApi = trpcClient(s.url, member.token);
    const { secret } = await memberApi.keys.create.mutate({ name: 'soon orphaned' });
    expect((await call(s.url, 'GET', '/v1/api-keys', { headers: { 'x-api-key': secret } })).status).toBe(200);
    expect(await api.orgs.removeMember.mutate({ userId: member.userId })).toEqual({ success: true });
    expect((await api.orgs.members.query()).map((m) => m.userId)).not.toContain(member.userId);
    expect((await call(s.url, 'GET', '/v1/api-keys', { headers: { 'x-api-key': secret } })).status).toBe(401);
    expect((await failure(memberApi.keys.list.query({}))).data?.httpStatus).toBe(403);
    expect((await memberApi.orgs.mine.query()).organizations).toEqual([]);
    expect((await failure(api.orgs.removeMember.mutate({ userId: member.userId }))).data?.httpStatus).toBe(404);
  });

  it('sets the plan: limits and default rate limits follow, and it is audited', async () => {
    const { key } = await api.keys.create.mutate({ name: 'follows the plan' });
    expect(key.ratelimit).toMatchObject({ limit: 200, inherited: true });
    expect(await api.orgs.setPlan.mutate({ plan: 'pro' })).toEqual({ success: true });
    expect(await api.orgs.current.query()).toMatchObject({ plan: 'pro', limits: { rateLimit: 1000 } });
    expect((await api.keys.get.query({ id: key.id })).ratelimit).toMatchObject({ limit: 1000, inherited: true });
    await api.orgs.setPlan.mutate({ plan: 'free' });
    const rybbit = await call(s.url, 'POST', '/api/user/api-keys', { headers: betterAuthCookie(owner.token), body: { name: 'free' } });
    expect(rybbit.status).toBe(403);
    await api.orgs.setPlan.mutate({ plan: 'standard' });
    const trail = await api.audit.list.query({ action: 'org.plan' });
    expect(trail.items.map((e) => e.metadata)).toEqual([
      { from: 'free', to: 'standard' },
      { from: 'pro', to: 'free' },
      { from: 'standard', to: 'pro' },
    ]);
  });
});
