import { setSessionCookie } from '../../http/session-cookie';
import { protectedProcedure, publicProcedure, router } from '../init';

export const authRouter = router({
  /** Null when signed out; `needsOwner` tells the first-run screen to offer owner sign-up. */
  session: publicProcedure.query(async ({ ctx }) => {
    const caller = await ctx.caller();
    if (caller.kind !== 'session') return { user: null, needsOwner: await ctx.services.accounts.isEmpty() };
    return {
      user: caller.user,
      needsOwner: false,
      organization: caller.org,
      expiresAt: caller.session.expiresAt,
    };
  }),

  signOut: protectedProcedure.mutation(async ({ ctx }) => {
    await ctx.services.sessions.invalidate(ctx.session.session.id);
    setSessionCookie(ctx.res, ctx.services.sessions.blankCookie());
    return { success: true as const };
  }),

  /** Ends every session of this user, on every device. */
  signOutEverywhere: protectedProcedure.mutation(async ({ ctx }) => {
    await ctx.services.sessions.invalidateUser(ctx.session.user.id);
    setSessionCookie(ctx.res, ctx.services.sessions.blankCookie());
    return { success: true as const };
  }),
});
