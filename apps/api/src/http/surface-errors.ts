import type { ServerResponse } from 'node:http';
import type { ErrorRequestHandler } from 'express';
import type { Logger } from './logger';
import { type Problem, toProblem } from './problem';
import { sendJson } from './send-json';

export type ProblemRenderer = (p: Problem, requestId: string, err: unknown) => object;

/**
 * Classifies any error once, then lets the surface render it in its documented shape. The
 * original error is passed along for surfaces whose format has finer codes than Problem's.
 */
export function problemResponder(log: Logger, render: ProblemRenderer) {
  return (err: unknown, requestId: string, res: ServerResponse): void => {
    const p = toProblem(err);
    if (p.status >= 500) log.error({ err, requestId }, 'request failed');
    if (p.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(p.retryAfterSeconds));
    sendJson(res, p.status, render(p, requestId, err));
  };
}

export type ProblemResponder = ReturnType<typeof problemResponder>;

export function surfaceErrors(log: Logger, render: ProblemRenderer): ErrorRequestHandler {
  const respond = problemResponder(log, render);
  return (err, req, res, _next) => respond(err, req.requestId, res);
}
