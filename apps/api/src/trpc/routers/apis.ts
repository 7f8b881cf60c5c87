import { z } from 'zod';
import { orgProcedure, router } from '../init';
import { id } from '../schemas';

/** Thin adapters over services.apis (keyspaces); the service decides who may do what. */
export const apisRouter = router({
  list: orgProcedure.query(({ ctx }) => ctx.services.apis.list(ctx.actor)),

  create: orgProcedure
    .input(z.object({ name: z.string().trim().min(1).max(200) }))
    .mutation(({ ctx, input }) => ctx.services.apis.create(ctx.actor, { name: input.name })),

  delete: orgProcedure.input(z.object({ id })).mutation(async ({ ctx, input }) => {
    await ctx.services.apis.remove(ctx.actor, input.id);
    return { success: true as const };
  }),
});
