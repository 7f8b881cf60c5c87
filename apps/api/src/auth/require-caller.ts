import type { RequestHandler } from 'express';
import { ServiceError, unauthorized } from '../services/errors';
import type { Caller, CallerKind, CallerResolver } from './caller';

declare global {
  namespace Express {
    interface Request {
      caller?: Caller;
    }
  }
}

export interface Acceptance {
  accept: readonly Exclude<CallerKind, 'anonymous'>[];
  /** What a known caller of another kind gets: 403 by default; 401 where a surface documents it. */
  wrongKind?: { status: 401 | 403; message: string };
}

/** Each route states which callers it accepts; unknown credentials get 401, known but not allowed 403. */
export function requireCaller(resolver: CallerResolver, acceptance: Acceptance): RequestHandler {
  return async (req, _res, next) => {
    const caller = await resolver.resolve(req);
    if (caller.kind === 'anonymous') {
      throw unauthorized(caller.invalidCredential ? 'Invalid, expired or revoked credentials' : 'Authentication required');
    }
    if (!acceptance.accept.includes(caller.kind)) {
      const w = acceptance.wrongKind ?? { status: 403, message: `This endpoint does not accept ${caller.kind} authentication` };
      throw new ServiceError(w.status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', w.message);
    }
    req.caller = caller;
    next();
  };
}

export function callerOf(req: { caller?: Caller }): Caller {
  if (!req.caller) throw unauthorized();
  return req.caller;
}
