/**
 * The one error type the domain throws. Each surface maps `code` to its own
 * documented shape and status, so services never think in HTTP.
 */
export type ServiceErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNPROCESSABLE'
  | 'TOO_MANY_REQUESTS'
  | 'PAYLOAD_TOO_LARGE';

export class ServiceError extends Error {
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    readonly field?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export const badRequest = (message: string, field?: string) => new ServiceError('BAD_REQUEST', message, field);
export const unauthorized = (message = 'Authentication required') => new ServiceError('UNAUTHORIZED', message);
export const forbidden = (message: string) => new ServiceError('FORBIDDEN', message);
export const notFound = (message: string) => new ServiceError('NOT_FOUND', message);
export const conflict = (message: string, field?: string) => new ServiceError('CONFLICT', message, field);

export const STATUS_BY_CODE: Record<ServiceErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNPROCESSABLE: 422,
  TOO_MANY_REQUESTS: 429,
  PAYLOAD_TOO_LARGE: 413,
};
