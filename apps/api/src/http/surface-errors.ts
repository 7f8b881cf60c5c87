import type { ErrorRequestHandler, Request } from 'express';
import type { Logger } from './logger';
import { type Problem, toProblem } from './problem';

/**
 * Classifies any error once, then lets the surface render it in its documented shape. The
 * original error is passed along for surfaces whose format has finer codes than Problem's.
 */
export function surfaceErrors(log: Logger, render: (p: Problem, req: Request, err: unknown) => object): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const p = toProblem(err);
    if (p.status >= 500) log.error({ err }, 'request failed');
    if (p.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(p.retryAfterSeconds));
    res.status(p.status).json(render(p, req, err));
  };
}
