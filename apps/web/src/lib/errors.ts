import { TRPCClientError } from '@trpc/client';

/** A failure in words a person can act on: the API's own message when it sent one. */
export function errorMessage(err: unknown): string {
  if (err instanceof TRPCClientError) {
    const status = err.data?.httpStatus as number | undefined;
    if (status !== undefined && status >= 500) return 'Something went wrong on the server. Try again in a moment.';
    if (err.message && !/^Failed to fetch|NetworkError|Load failed/i.test(err.message)) return err.message;
    return 'Could not reach the server. Check your connection and try again.';
  }
  if (err instanceof RestError) return err.message;
  if (err instanceof Error && err.message) {
    return /Failed to fetch|NetworkError|Load failed/i.test(err.message)
      ? 'Could not reach the server. Check your connection and try again.'
      : err.message;
  }
  return 'Something went wrong.';
}

/** The input field the API blamed (`data.field` in a tRPC error), if any. */
export function errorField(err: unknown): string | null {
  if (err instanceof TRPCClientError) {
    const field = (err.data as { field?: unknown } | undefined)?.field;
    return typeof field === 'string' ? field : null;
  }
  return null;
}

/** The message without a leading "field: " the API adds for validation errors. */
export function messageWithoutField(message: string, field: string | null): string {
  if (!field) return message;
  const prefix = `${field}: `;
  return message.startsWith(prefix) ? message.slice(prefix.length) : message;
}

export class RestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'RestError';
  }
}
