import { z } from 'zod';
import { orgProcedure, router } from '../init';
import { id } from '../schemas';

const name = z.string().trim().min(1).max(512);
const description = z.string().trim().max(1000).nullish();

/** Thin adapters over services.rbac: the organization's permissions and roles. */
export const rbacRouter = router({
  listPermissions: orgProcedure.query(({ ctx }) => ctx.services.rbac.listPermissions(ctx.actor)),

  createPermission: orgProcedure
    .input(z.object({ name, description }))
    .mutation(({ ctx, input }) => ctx.services.rbac.createPermission(ctx.actor, { name: input.name, description: input.description || null })),

  deletePermission: orgProcedure.input(z.object({ id })).mutation(async ({ ctx, input }) => {
    await ctx.services.rbac.deletePermission(ctx.actor, input.id);
    return { success: true as const };
  }),

  listRoles: orgProcedure.query(({ ctx }) => ctx.services.rbac.listRoles(ctx.actor)),

  createRole: orgProcedure
    .input(z.object({ name, description, permissions: z.array(name).max(100).optional() }))
    .mutation(({ ctx, input }) =>
      ctx.services.rbac.createRole(ctx.actor, { name: input.name, description: input.description || null, permissions: input.permissions ?? [] }),
    ),

  deleteRole: orgProcedure.input(z.object({ id })).mutation(async ({ ctx, input }) => {
    await ctx.services.rbac.deleteRole(ctx.actor, input.id);
    return { success: true as const };
  }),
});
