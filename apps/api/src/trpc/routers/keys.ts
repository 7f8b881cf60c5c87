import { z } from 'zod';
import { USAGE_RANGES } from '../../services/keys/usage';
import { orgProcedure, router } from '../init';
import { cursor, id, keyFields, keyStatus, limit } from '../schemas';

export const keysRouter = router({
  list: orgProcedure
    .input(
      z.object({
        status: keyStatus.optional(),
        search: z.string().trim().max(200).optional(),
        apiId: id.optional(),
        cursor,
        limit,
      }),
    )
    .query(({ ctx, input }) =>
      ctx.services.keys.list(ctx.actor, {
        limit: input.limit,
        ...(input.status ? { status: input.status } : {}),
        ...(input.search ? { search: input.search } : {}),
        ...(input.apiId ? { apiId: input.apiId } : {}),
        ...(input.cursor ? { cursor: input.cursor } : {}),
      }),
    ),

  get: orgProcedure.input(z.object({ id })).query(({ ctx, input }) => ctx.services.keys.get(ctx.actor, input.id)),

  create: orgProcedure
    .input(
      z.object({
        ...keyFields,
        apiId: id.optional(),
        prefix: z.string().max(16).optional(),
        byteLength: z.number().int().min(16).max(255).optional(),
        recoverable: z.boolean().optional(),
        serviceAccountId: id.optional(),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.keys.create(ctx.actor, { ...input, source: 'dashboard' })),

  update: orgProcedure
    .input(z.object({ id, ...keyFields, name: keyFields.name.optional() }))
    .mutation(({ ctx, input: { id: keyId, ...patch } }) => ctx.services.keys.update(ctx.actor, keyId, patch)),

  revoke: orgProcedure.input(z.object({ id })).mutation(({ ctx, input }) => ctx.services.keys.revoke(ctx.actor, input.id)),

  delete: orgProcedure.input(z.object({ id })).mutation(async ({ ctx, input }) => {
    await ctx.services.keys.remove(ctx.actor, input.id);
    return { success: true as const };
  }),

  reroll: orgProcedure
    .input(z.object({ id, graceMs: z.number().int().min(0).max(30 * 86_400_000) }))
    .mutation(({ ctx, input }) => ctx.services.keys.reroll(ctx.actor, input.id, input.graceMs)),

  /** Verifications per hour (24h) or day (7d, 30d) and outcome, for the key's usage chart. */
  usage: orgProcedure
    .input(z.object({ id, range: z.enum(USAGE_RANGES) }))
    .query(({ ctx, input }) => ctx.services.keyUsage.usage(ctx.actor, input.id, input.range)),
});
