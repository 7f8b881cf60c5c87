import { clientInfo } from '../../http/client-info';
import { z } from 'zod';
import { orgProcedure, protectedProcedure, router } from '../init';
import { id, plan, role } from '../schemas';

export const orgsRouter = router({
  mine: protectedProcedure.query(async ({ ctx }) => ({
    organizations: await ctx.services.orgs.listForUser(ctx.session.user.id),
    activeOrganizationId: ctx.session.org?.id ?? null,
  })),

  switch: protectedProcedure.input(z.object({ organizationId: id })).mutation(async ({ ctx, input }) => {
    const m = await ctx.services.orgs.requireMembership(ctx.session.user.id, input.organizationId);
    await ctx.services.sessions.setActiveOrganization(ctx.session.session.id, input.organizationId);
    return { organizationId: input.organizationId, role: m.role, plan: m.plan };
  }),

  create: protectedProcedure.input(z.object({ name: z.string().trim().min(1).max(100) })).mutation(async ({ ctx, input }) => {
    const org = await ctx.services.orgs.create(
      { userId: ctx.session.user.id, ...clientInfo(ctx.req), defaultPlan: ctx.services.config.defaultPlan },
      input.name,
    );
    await ctx.services.sessions.setActiveOrganization(ctx.session.session.id, org.id);
    return org;
  }),

  /** Invitations to organizations waiting for the signed-in user's email. */
  myInvitations: protectedProcedure.query(({ ctx }) => ctx.services.orgs.invitationsFor(ctx.session.user.email)),

  acceptInvitation: protectedProcedure.input(z.object({ invitationId: id })).mutation(async ({ ctx, input }) => {
    const { user, session } = ctx.session;
    const joined = await ctx.services.orgs.acceptInvitation({ userId: user.id, email: user.email, ...clientInfo(ctx.req) }, input.invitationId);
    await ctx.services.sessions.setActiveOrganization(session.id, joined.organizationId);
    return joined;
  }),

  current: orgProcedure.query(async ({ ctx }) => ({
    id: ctx.actor.organizationId,
    role: ctx.actor.role,
    plan: ctx.actor.plan,
    limits: ctx.services.plans.limits(ctx.actor.plan),
    leakedKeyPolicy: await ctx.services.orgs.leakedKeyPolicy(ctx.actor),
  })),

  members: orgProcedure.query(({ ctx }) => ctx.services.orgs.members(ctx.actor)),

  invitations: orgProcedure.query(({ ctx }) => ctx.services.orgs.pendingInvitations(ctx.actor)),

  invite: orgProcedure
    .input(z.object({ email: z.email().max(254), role }))
    .mutation(({ ctx, input }) => ctx.services.orgs.invite(ctx.actor, input.email, input.role)),

  setRole: orgProcedure
    .input(z.object({ userId: id, role }))
    .mutation(async ({ ctx, input }) => {
      await ctx.services.orgs.setRole(ctx.actor, input.userId, input.role);
      return { success: true as const };
    }),

  removeMember: orgProcedure.input(z.object({ userId: id })).mutation(async ({ ctx, input }) => {
    await ctx.services.orgs.removeMember(ctx.actor, input.userId);
    return { success: true as const };
  }),

  setPlan: orgProcedure.input(z.object({ plan })).mutation(async ({ ctx, input }) => {
    await ctx.services.orgs.setPlan(ctx.actor, input.plan);
    return { success: true as const };
  }),

  setLeakedKeyPolicy: orgProcedure
    .input(z.object({ policy: z.enum(['revoke', 'flag']) }))
    .mutation(async ({ ctx, input }) => {
      await ctx.services.orgs.setLeakedKeyPolicy(ctx.actor, input.policy);
      return { success: true as const };
    }),
});
