import type { ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * helmet's default headers, worked out once. They are the same for every response, and
 * running helmet's chain of a dozen middlewares (re-serializing its CSP) on each request was a
 * measurable share of a verification. Capturing its output keeps helmet the authority on
 * which headers are sent and with what values.
 */
export function securityHeaders(): { set(res: ServerResponse): void; middleware: RequestHandler } {
  const headers: [string, string][] = [];
  const recorder = {
    setHeader: (name: string, value: unknown) => headers.push([name, String(value)]),
    removeHeader: () => {},
  };
  let finished = false;
  helmet()({} as never, recorder as never, () => {
    finished = true;
  });
  // A helmet that needs the request, or answers later, could not be captured this way.
  if (!finished || headers.length === 0) throw new Error('helmet did not produce its headers synchronously');
  const set = (res: ServerResponse) => {
    for (const [name, value] of headers) res.setHeader(name, value);
  };
  return {
    set,
    middleware: (_req, res, next) => {
      set(res);
      next();
    },
  };
}
