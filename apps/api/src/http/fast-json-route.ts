import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyNotJsonError } from './problem';
import { requestIdFor } from './request-id';
import type { RequestTiming } from './request-timing';
import { sendJson } from './send-json';
import type { ProblemResponder } from './surface-errors';

export interface FastJsonRoute {
  /** The exact path (a query string is allowed and ignored). */
  path: string;
  /** Bodies declared larger than this go to the regular route, which refuses them. */
  maxBytes: number;
  /** The answer for a parsed body; throws like any route (ServiceError, ZodError…). */
  answer(body: unknown, req: IncomingMessage, requestId: string): Promise<object>;
}

export interface FastPathDeps {
  timing: RequestTiming;
  setSecurityHeaders(res: ServerResponse): void;
  respondWithProblem: ProblemResponder;
}

const JSON_TYPE = /^application\/json\s*(;\s*charset="?utf-8"?\s*)?$/i;
const DECIMAL = /^\d{1,9}$/;
const OBJECT_OR_ARRAY = /^[ \t\n\r]*[{[]/;

/**
 * Reads a body as express.json does on the regular route, so both paths answer it alike: its
 * decoder drops a byte-order mark, an empty body reads as {}, and its strict mode refuses
 * anything but an object or array at the top level before parsing.
 */
function parseJson(raw: string): unknown {
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  if (text.length === 0) return {};
  if (text[0] !== '{' && !OBJECT_OR_ARRAY.test(text)) throw new BodyNotJsonError('Request body is not valid JSON');
  try {
    return JSON.parse(text);
  } catch {
    throw new BodyNotJsonError('Request body is not valid JSON');
  }
}

/**
 * A JSON POST endpoint served in front of Express, for the one route whose latency is the
 * product (keys.verifyKey). Express costs several times the verification itself: its layers,
 * body-parser and res.json, and above all the garbage each request leaves (Express swaps the
 * prototypes of req and res), whose collection pauses set the latency tail. This claims only
 * plain requests: a declared length within the limit, a JSON body in UTF-8, no compression, no
 * cookie (so no cross-site check applies). Anything else goes on to the Express app, whose
 * route stays the reference for every edge case. What each request gets is the same either
 * way: request id, security headers, access log and metrics, the surface's error shape.
 */
export function fastJsonRoute(route: FastJsonRoute, deps: FastPathDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { path, maxBytes } = route;
  const withQuery = `${path}?`;

  function claims(req: IncomingMessage): boolean {
    const url = req.url ?? '';
    if (req.method !== 'POST' || (url !== path && !url.startsWith(withQuery))) return false;
    const h = req.headers;
    if (h.cookie !== undefined) return false;
    if (h['content-encoding'] !== undefined && h['content-encoding'] !== 'identity') return false;
    const type = h['content-type'];
    // Required, so chunked bodies go the regular way (Node refuses a request with both).
    const length = h['content-length'];
    return type !== undefined && JSON_TYPE.test(type) && length !== undefined && DECIMAL.test(length) && Number(length) <= maxBytes;
  }

  async function serve(req: IncomingMessage, res: ServerResponse, requestId: string, raw: string): Promise<void> {
    try {
      sendJson(res, 200, await route.answer(parseJson(raw), req, requestId));
    } catch (err) {
      deps.respondWithProblem(err, requestId, res);
    }
  }

  return (req, res) => {
    if (!claims(req)) return false;
    const requestId = requestIdFor(req.headers['x-request-id']);
    res.setHeader('x-request-id', requestId);
    deps.setSecurityHeaders(res);
    deps.timing.observe(res, () => ({ method: 'POST', path, requestId, route: path, caller: undefined }));
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void serve(req, res, requestId, chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    });
    // A client that goes away mid-body gets no answer; there is no one left to send it to.
    req.on('error', () => res.destroy());
    return true;
  };
}
