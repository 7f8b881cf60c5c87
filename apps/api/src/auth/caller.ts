import { parseKey } from '@keyward/core';
import { parseCookie } from 'cookie';
import type { Request } from 'express';
import type { Plan } from '../env';
import { clientInfo } from '../http/client-info';
import { setRateLimitHeaders } from '../http/ratelimit-headers';
import { setSessionCookie } from '../http/session-cookie';
import type { Actor, OrgRole } from '../services/actor';
import { ServiceError, unauthorized } from '../services/errors';
import type { OrgService } from '../services/orgs';
import type { KeyState } from '../services/verification/key-state';
import type { Verifier, VerifyResult } from '../services/verification/verifier';
import { BETTER_AUTH_COOKIE, SESSION_COOKIE, type SessionManager, type SessionUser, type ValidSession } from './sessions';

export interface OrgContext {
  id: string;
  role: OrgRole;
  plan: Plan;
}

export type Caller =
  | { kind: 'anonymous'; invalidCredential: boolean }
  | { kind: 'session'; user: SessionUser; session: ValidSession; token: string; org: OrgContext | null }
  | { kind: 'key'; key: KeyState; verification: VerifyResult; org: OrgContext };

export type CallerKind = Caller['kind'];

type Credential = { type: 'session'; token: string; fromCookie: boolean } | { type: 'key'; key: string } | null;

/** better-auth signs its cookie as `token.signature`; the token is the part before the dot. */
const bareToken = (value: string) => value.split('.')[0] ?? '';

export function readCredential(req: Request): Credential {
  const auth = req.get('authorization');
  if (auth) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    const token = m?.[1] ?? '';
    return parseKey(token).ok ? { type: 'key', key: token } : { type: 'session', token, fromCookie: false };
  }
  const apiKey = req.get('x-api-key');
  if (apiKey) return { type: 'key', key: apiKey.trim() };
  const header = req.headers.cookie;
  if (!header) return null;
  const cookies = parseCookie(header);
  const value = cookies[SESSION_COOKIE] ?? cookies[BETTER_AUTH_COOKIE];
  return value ? { type: 'session', token: bareToken(value), fromCookie: true } : null;
}

/**
 * A key that authenticated but may not proceed (rate-limited, exhausted) is refused with why.
 * Retry-After is already on the response (setRateLimitHeaders), and only for a rate limit:
 * an exhausted key gets no uses back when the window rolls.
 */
export class KeyRefusedError extends ServiceError {
  constructor(readonly verification: VerifyResult) {
    super(
      'TOO_MANY_REQUESTS',
      verification.code === 'RATE_LIMITED' ? 'Rate limit exceeded for this API key' : 'This API key has no uses left',
    );
  }
}

export function createCallerResolver(deps: { sessions: SessionManager; verifier: Verifier; orgs: OrgService }) {
  const cache = new WeakMap<Request, Promise<Caller>>();

  async function sessionCaller(req: Request, token: string, fromCookie: boolean): Promise<Caller> {
    const valid = await deps.sessions.validate(token);
    if (!valid) return { kind: 'anonymous', invalidCredential: true };
    const { session, user } = valid;
    // Lucia extends a session only on the request that finds it past half-life, whatever route
    // that is, so the cookie must follow right here or the browser drops it at the old expiry.
    // Bearer clients keep their token themselves and must not be handed an ambient cookie.
    if (session.fresh && fromCookie && req.res) {
      setSessionCookie(req.res, deps.sessions.cookie(token, session.expiresAt));
    }
    let org: OrgContext | null = null;
    if (session.activeOrganizationId) {
      const m = await deps.orgs.membership(user.id, session.activeOrganizationId);
      if (m) org = { id: session.activeOrganizationId, role: m.role, plan: m.plan };
    }
    if (!org) {
      const [first] = await deps.orgs.listForUser(user.id);
      if (first) {
        org = { id: first.id, role: first.role as OrgRole, plan: first.plan as Plan };
        await deps.sessions.setActiveOrganization(session.id, first.id);
      }
    }
    return { kind: 'session', user, session, token, org };
  }

  async function keyCaller(req: Request, key: string): Promise<Caller> {
    const verification = await deps.verifier.verify(key, clientInfo(req));
    // Every key-authenticated response, refusals included, tells the client where it stands.
    if (req.res) setRateLimitHeaders(req.res, verification);
    const state = verification.key;
    if (!state || state.role === null) return { kind: 'anonymous', invalidCredential: true };
    if (verification.code === 'RATE_LIMITED' || verification.code === 'USAGE_EXCEEDED') {
      throw new KeyRefusedError(verification);
    }
    if (!verification.valid) return { kind: 'anonymous', invalidCredential: true };
    return { kind: 'key', key: state, verification, org: { id: state.organizationId, role: state.role, plan: state.plan } };
  }

  async function resolveUncached(req: Request): Promise<Caller> {
    const cred = readCredential(req);
    if (!cred) return { kind: 'anonymous', invalidCredential: false };
    return cred.type === 'key' ? keyCaller(req, cred.key) : sessionCaller(req, cred.token, cred.fromCookie);
  }

  /** Resolved at most once per request, and only by routes that ask. */
  function resolve(req: Request): Promise<Caller> {
    let p = cache.get(req);
    if (!p) {
      p = resolveUncached(req);
      cache.set(req, p);
    }
    return p;
  }

  return { resolve };
}

export type CallerResolver = ReturnType<typeof createCallerResolver>;

/** The organization-scoped actor for a caller; anonymous callers and users without an org have none. */
export function actorFor(caller: Caller, req: Request): Actor {
  const client = clientInfo(req);
  if (caller.kind === 'session') {
    if (!caller.org) throw new ServiceError('FORBIDDEN', 'You are not a member of any organization');
    return {
      organizationId: caller.org.id,
      plan: caller.org.plan,
      userId: caller.user.id,
      role: caller.org.role,
      keyId: null,
      scopes: null,
      ...client,
    };
  }
  if (caller.kind === 'key') {
    return {
      organizationId: caller.org.id,
      plan: caller.org.plan,
      userId: caller.key.userId,
      role: caller.org.role,
      keyId: caller.key.id,
      scopes: caller.key.scopes,
      ...client,
    };
  }
  throw unauthorized();
}
