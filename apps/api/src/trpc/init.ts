import { initTRPC, TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { z } from 'zod';
import { actorFor } from '../auth/caller';
import type { Actor } from '../services/actor';
import { ServiceError, type ServiceErrorCode } from '../services/errors';
import { fieldOf } from '../http/problem';
import { assertStorableText } from '../http/storable-text';
import type { Context } from './context';

const TRPC_CODE: Record<ServiceErrorCode, TRPC_ERROR_CODE_KEY> = {
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  UNPROCESSABLE: 'UNPROCESSABLE_CONTENT',
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
};

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    let field: string | null = null;
    let message = shape.message;
    if (cause instanceof ServiceError) field = cause.field ?? null;
    if (cause instanceof z.ZodError) {
      const issue = cause.issues[0];
      field = issue ? (fieldOf(issue.path) ?? null) : null;
      message = issue ? (field ? `${field}: ${issue.message}` : issue.message) : message;
    }
    // Never leak internals: an unexpected error shows only a generic message.
    if (error.code === 'INTERNAL_SERVER_ERROR') message = 'Internal server error';
    // tRPC's own 413 says only its code; say what to fix, as the REST surfaces do.
    if (error.code === 'PAYLOAD_TOO_LARGE' && !(cause instanceof ServiceError)) message = 'Request body is too large';
    const { stack: _stack, ...data } = shape.data;
    return { ...shape, message, data: { ...data, field } };
  },
});

export const router = t.router;

/** Domain errors become tRPC errors with the same meaning; the formatter adds the field. */
const mapServiceErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof ServiceError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: TRPC_CODE[cause.code], message: cause.message, cause });
  }
  return result;
});

/** Before input parsing, so a NUL or lone surrogate anywhere is a 400 naming the field, not a failed query. */
const storableInput = t.middleware(async ({ getRawInput, next }) => {
  assertStorableText(await getRawInput());
  return next();
});

export const publicProcedure = t.procedure.use(mapServiceErrors).use(storableInput);

export const protectedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const caller = await ctx.caller();
  // The dashboard's API: an API key is a known caller, but not one these procedures accept.
  if (caller.kind === 'key') {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'This endpoint needs a dashboard session; API keys use the REST API' });
  }
  if (caller.kind !== 'session') {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to continue' });
  }
  return next({ ctx: { ...ctx, session: caller } });
});

export const orgProcedure = protectedProcedure.use(async ({ ctx, next }) => {
  const actor: Actor = actorFor(ctx.session, ctx.req);
  return next({ ctx: { ...ctx, actor } });
});
