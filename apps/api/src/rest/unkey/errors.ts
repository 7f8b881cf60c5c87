import type { Problem } from '../../http/problem';
import { ServiceError } from '../../services/errors';

/** A root key that authenticated but lacks the scope the route needs (Unkey's 403 INSUFFICIENT_PERMISSIONS). */
export class InsufficientPermissionsError extends ServiceError {
  constructor(scope: string) {
    super('FORBIDDEN', `This root key lacks the ${scope} scope`);
  }
}

const CODE: Record<Problem['code'], string> = {
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  UNPROCESSABLE: 'BAD_REQUEST',
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  PAYLOAD_TOO_LARGE: 'BAD_REQUEST',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
};

/** Service field names that Unkey's wire format spells differently. */
const WIRE_FIELD: Record<string, string> = { expiresAt: 'expires' };

/** Names the field in the message, the only free-text place Unkey's error shape has. */
function messageOf(p: Problem): string {
  if (!p.field) return p.message;
  const field = WIRE_FIELD[p.field] ?? p.field;
  return p.message.startsWith(field) ? p.message : `${field}: ${p.message}`;
}

/** Unkey v1's error body: `{error: {code, docs, message, requestId}}`. */
export function unkeyError(p: Problem, requestId: string, err: unknown) {
  const code = err instanceof InsufficientPermissionsError ? 'INSUFFICIENT_PERMISSIONS' : CODE[p.code];
  return {
    error: {
      code,
      docs: `https://unkey.dev/docs/api-reference/errors/code/${code}`,
      message: messageOf(p),
      requestId,
    },
  };
}
