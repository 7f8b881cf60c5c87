import express, { Router } from 'express';
import { z } from 'zod';
import type { CallerResolver } from '../auth/caller';
import { clientInfo } from '../http/client-info';
import type { Logger } from '../http/logger';
import { surfaceErrors } from '../http/surface-errors';
import { setSessionCookie } from '../http/session-cookie';
import { parseWith } from '../http/validate';
import type { Services } from '../services';

/** better-auth's paths and shapes, so Rybbit-style clients sign in unchanged. */
export const credentials = z.object({
  email: z.email('must be a valid email address').max(254),
  password: z.string().min(8, 'must be at least 8 characters').max(256, 'must be at most 256 characters'),
});
export const signUpBody = credentials.extend({
  name: z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
});

export const signInBody = credentials.extend({ rememberMe: z.boolean().optional() });

/** better-auth's response shapes; the OpenAPI document is generated from these. */
const userResponse = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  emailVerified: z.boolean(),
  image: z.null(),
  createdAt: z.iso.datetime().optional(),
  updatedAt: z.iso.datetime().optional(),
});
export const signUpResponse = z.object({ token: z.string(), user: userResponse });
export const signInResponse = z.object({ redirect: z.boolean(), token: z.string(), user: userResponse });
export const signOutResponse = z.object({ success: z.literal(true) });
/** null without a session, as better-auth answers. */
export const getSessionResponse = z
  .object({
    session: z.object({ id: z.string(), userId: z.string(), expiresAt: z.iso.datetime(), activeOrganizationId: z.string().nullable() }),
    user: userResponse,
  })
  .nullable();
export const betterAuthError = z.object({ code: z.string(), message: z.string() });

const userJson = (u: { id: string; email: string; name: string; createdAt?: Date; updatedAt?: Date }): z.infer<typeof userResponse> => ({
  id: u.id,
  email: u.email,
  name: u.name,
  emailVerified: false,
  image: null,
  ...(u.createdAt ? { createdAt: u.createdAt.toISOString() } : {}),
  ...(u.updatedAt ? { updatedAt: u.updatedAt.toISOString() } : {}),
});

export function betterAuthRoutes(services: Services, resolver: CallerResolver, log: Logger, bodyLimit: string): Router {
  const r = Router();
  r.use(express.json({ limit: bodyLimit }));

  r.post('/sign-up/email', async (req, res) => {
    const body = parseWith(signUpBody, req.body);
    const client = clientInfo(req);
    const { user, organizationId } = await services.accounts.signUp(body, client);
    const { token, expiresAt } = await services.sessions.create(user.id, { activeOrganizationId: organizationId, ipAddress: client.ip, userAgent: client.userAgent });
    setSessionCookie(res, services.sessions.cookie(token, expiresAt));
    res.json({ token, user: userJson(user) });
  });

  r.post('/sign-in/email', async (req, res) => {
    const body = parseWith(signInBody, req.body);
    const client = clientInfo(req);
    const { user, organizationId } = await services.accounts.signIn(body, client);
    const { token, expiresAt } = await services.sessions.create(user.id, { activeOrganizationId: organizationId, ipAddress: client.ip, userAgent: client.userAgent });
    setSessionCookie(res, services.sessions.cookie(token, expiresAt));
    res.json({ redirect: false, token, user: userJson(user) });
  });

  r.post('/sign-out', async (req, res) => {
    const caller = await resolver.resolve(req);
    if (caller.kind === 'session') await services.sessions.invalidate(caller.session.id);
    setSessionCookie(res, services.sessions.blankCookie());
    res.json({ success: true });
  });

  r.get('/get-session', async (req, res) => {
    const caller = await resolver.resolve(req);
    if (caller.kind !== 'session') {
      res.json(null);
      return;
    }
    res.json({
      session: {
        id: caller.session.id,
        userId: caller.user.id,
        expiresAt: caller.session.expiresAt.toISOString(),
        activeOrganizationId: caller.org?.id ?? null,
      },
      user: userJson(caller.user),
    });
  });

  r.use(surfaceErrors(log, (p) => ({ code: p.code, message: p.message })));
  return r;
}
