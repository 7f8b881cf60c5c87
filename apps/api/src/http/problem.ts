import { z } from 'zod';
import { ServiceError, STATUS_BY_CODE, type ServiceErrorCode } from '../services/errors';

/** Any error, classified once; each surface renders it in its own documented shape. */
export interface Problem {
  status: number;
  code: ServiceErrorCode | 'INTERNAL';
  message: string;
  field?: string;
  retryAfterSeconds?: number;
}

/** A request body that does not parse, read by body-parser or by a route's own reader. */
export class BodyNotJsonError extends Error {
  readonly type = 'entity.parse.failed';
  readonly status = 400;
}

interface HttpLikeError {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
}

const CODE_BY_STATUS: Record<number, ServiceErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'BAD_REQUEST',
  422: 'UNPROCESSABLE',
  429: 'TOO_MANY_REQUESTS',
};

export function fieldOf(path: readonly PropertyKey[]): string | undefined {
  return path.length ? path.map(String).join('.') : undefined;
}

export function zodProblem(err: z.ZodError): Problem {
  const issue = err.issues[0];
  const field = issue ? fieldOf(issue.path) : undefined;
  const message = issue ? (field ? `${field}: ${issue.message}` : issue.message) : 'Invalid request';
  return { status: 400, code: 'BAD_REQUEST', message, ...(field ? { field } : {}) };
}

export function toProblem(err: unknown): Problem {
  if (err instanceof ServiceError) {
    return {
      status: STATUS_BY_CODE[err.code],
      code: err.code,
      message: err.message,
      ...(err.field ? { field: err.field } : {}),
      ...(err.retryAfterSeconds !== undefined ? { retryAfterSeconds: err.retryAfterSeconds } : {}),
    };
  }
  if (err instanceof z.ZodError) return zodProblem(err);
  const http = err as HttpLikeError;
  if (http?.type === 'entity.too.large') {
    return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' };
  }
  if (http?.type === 'entity.parse.failed') {
    return { status: 400, code: 'BAD_REQUEST', message: 'Request body is not valid JSON' };
  }
  const status = http?.status ?? http?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500 && http.expose !== false) {
    return { status, code: CODE_BY_STATUS[status] ?? 'BAD_REQUEST', message: (err as Error).message || 'Bad request' };
  }
  return { status: 500, code: 'INTERNAL', message: 'Internal server error' };
}
