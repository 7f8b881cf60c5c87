import { z } from 'zod';
import { orgProcedure, router } from '../init';
import { cursor, id, limit } from '../schemas';

export const auditRouter = router({
  list: orgProcedure
    .input(
      z.object({
        actorId: id.optional(),
        action: z.string().max(64).optional(),
        keyId: id.optional(),
        cursor,
        limit,
      }),
    )
    .query(({ ctx, input }) => ctx.services.audit.list(ctx.actor, input)),
});
