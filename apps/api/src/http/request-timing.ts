import type { ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import type { Caller } from '../auth/caller';

/** What observers learn about a request once its answer has gone out. */
export interface FinishedRequest {
  method: string;
  path: string;
  requestId: string;
  /** The route pattern that served it, never the raw path; undefined when no route claimed it. */
  route: string | undefined;
  caller: Caller | undefined;
  status: number;
  durationMs: number;
}

/** Told about every finished request; the access log and metrics are two. */
export type RequestObserver = (finished: FinishedRequest) => void;

type RequestFacts = Omit<FinishedRequest, 'status' | 'durationMs'>;

function routePattern(req: Request): string | undefined {
  if (req.route) return `${req.baseUrl}${String(req.route.path)}`;
  // A mounted app (tRPC) is named by its mount.
  return req.baseUrl || undefined;
}

/** One clock read and one `finish` listener per request, shared by every observer. */
export function requestTiming(...observers: RequestObserver[]) {
  /** `facts` is read when the answer has gone out, once routing has named the route and caller. */
  function observe(res: ServerResponse, facts: () => RequestFacts): void {
    const started = performance.now();
    res.once('finish', () => {
      const finished: FinishedRequest = { ...facts(), status: res.statusCode, durationMs: performance.now() - started };
      for (const o of observers) o(finished);
    });
  }
  const middleware: RequestHandler = (req, res, next) => {
    observe(res, () => ({ method: req.method, path: req.path, requestId: req.requestId, route: routePattern(req), caller: req.caller }));
    next();
  };
  return { observe, middleware };
}

export type RequestTiming = ReturnType<typeof requestTiming>;
