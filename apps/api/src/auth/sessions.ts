import { randomBytes } from 'node:crypto';
import { DrizzlePostgreSQLAdapter } from '@lucia-auth/adapter-drizzle';
import { encodeBase62, hashKey } from '@keyward/core';
import { type Db, sessions, users } from '@keyward/db';
import { eq } from 'drizzle-orm';
import { Lucia, TimeSpan } from 'lucia';

export const SESSION_COOKIE = 'keyward_session';
/** better-auth's cookie name, accepted so Rybbit-style clients work unchanged (seeds 01, 02). */
export const BETTER_AUTH_COOKIE = 'better-auth.session_token';

function createLucia(db: Db, days: number, secure: boolean) {
  return new Lucia(new DrizzlePostgreSQLAdapter(db, sessions, users), {
    sessionExpiresIn: new TimeSpan(days, 'd'),
    sessionCookie: { name: SESSION_COOKIE, attributes: { secure, sameSite: 'lax' } },
    getSessionAttributes: (a) => ({ activeOrganizationId: a.activeOrganizationId }),
    getUserAttributes: (a) => ({ email: a.email, name: a.name }),
  });
}

declare module 'lucia' {
  interface Register {
    Lucia: ReturnType<typeof createLucia>;
    DatabaseSessionAttributes: {
      activeOrganizationId: string | null;
      ipAddress: string | null;
      userAgent: string | null;
    };
    DatabaseUserAttributes: { email: string; name: string };
  }
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
}

export interface ValidSession {
  id: string;
  userId: string;
  expiresAt: Date;
  activeOrganizationId: string | null;
  /** Lucia extended the expiry (sliding window): the cookie must be sent again. */
  fresh: boolean;
}

/**
 * The cookie carries a random token; the database holds only its SHA-256 as the session
 * id, so a leaked sessions table cannot be replayed.
 */
export function createSessionManager(db: Db, opts: { days: number; secure: boolean }) {
  const lucia = createLucia(db, opts.days, opts.secure);
  const idOf = (token: string) => hashKey(token);

  return {
    async create(userId: string, attrs: { activeOrganizationId: string | null; ipAddress: string | null; userAgent: string | null }) {
      const token = encodeBase62(randomBytes(32));
      const session = await lucia.createSession(userId, attrs, { sessionId: idOf(token) });
      return { token, expiresAt: session.expiresAt };
    },

    async validate(token: string): Promise<{ session: ValidSession; user: SessionUser } | null> {
      // Tokens are 43 base62 characters; anything else cannot be one and costs no query.
      if (!/^[0-9A-Za-z]{43}$/.test(token)) return null;
      const { session, user } = await lucia.validateSession(idOf(token));
      if (!session || !user) return null;
      return {
        session: {
          id: session.id,
          userId: session.userId,
          expiresAt: session.expiresAt,
          activeOrganizationId: session.activeOrganizationId,
          fresh: session.fresh,
        },
        user: { id: user.id, email: user.email, name: user.name },
      };
    },

    async invalidate(sessionId: string) {
      await lucia.invalidateSession(sessionId);
    },

    async invalidateUser(userId: string) {
      await lucia.invalidateUserSessions(userId);
    },

    async setActiveOrganization(sessionId: string, organizationId: string) {
      await db.update(sessions).set({ activeOrganizationId: organizationId }).where(eq(sessions.id, sessionId));
    },

    cookie(token: string, expiresAt: Date) {
      return { name: SESSION_COOKIE, value: token, attributes: { ...lucia.createSessionCookie('x').attributes, expires: expiresAt } };
    },

    blankCookie() {
      const c = lucia.createBlankSessionCookie();
      return { name: c.name, value: c.value, attributes: c.attributes };
    },
  };
}

export type SessionManager = ReturnType<typeof createSessionManager>;
