import { z } from 'zod';
import { orgProcedure, router } from '../init';
import { cursor, limit } from '../schemas';

/** Thin adapters over services.serviceAccounts; the service decides who may do what. */
export const serviceAccountsRouter = router({
  list: orgProcedure
    .input(z.object({ cursor, limit }).default({ limit: 25 }))
    .query(({ ctx, input }) => ctx.services.serviceAccounts.list(ctx.actor, { limit: input.limit, ...(input.cursor ? { cursor: input.cursor } : {}) })),

  create: orgProcedure
    .input(z.object({ name: z.string().trim().min(1).max(200), description: z.string().trim().max(1000).nullish() }))
    .mutation(({ ctx, input }) =>
      ctx.services.serviceAccounts.create(ctx.actor, { name: input.name, description: input.description ? input.description : null }),
    ),
});
