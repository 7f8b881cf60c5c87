import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

const scrubParams = (text: string) => text.replace(/\nparams:[^\n]*/g, '');

/**
 * Errors as log fields, by whitelist: database errors echo the failed query's parameters (key
 * hashes, emails) in their message and carry row values in fields like `detail`; the log keeps
 * the query text, the error code and constraint, never the values.
 */
export function serializeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const e = err as Error & { code?: unknown; query?: unknown; constraint_name?: unknown; constraint?: unknown };
  return {
    type: e.constructor.name,
    message: scrubParams(e.message),
    ...(e.stack ? { stack: scrubParams(e.stack) } : {}),
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof e.query === 'string' ? { query: e.query } : {}),
    ...(typeof (e.constraint_name ?? e.constraint) === 'string' ? { constraint: e.constraint_name ?? e.constraint } : {}),
    ...(e.cause !== undefined ? { cause: serializeError(e.cause) } : {}),
  };
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      serializers: { err: serializeError },
      // Belt and braces: nothing should log these, but if it does, the secret stays out.
      redact: {
        paths: ['*.authorization', '*.cookie', '*.password', '*.key', '*.token', 'req.headers'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
