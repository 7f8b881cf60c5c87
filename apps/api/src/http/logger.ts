import pino, { type DestinationStream, type Logger } from 'pino';
import { currentRequestId } from './request-context';

export type { Logger };

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
      // Belt and braces: nothing should log these, but if it does, the secret stays out.
      redact: {
        paths: ['*.authorization', '*.cookie', '*.password', '*.key', '*.token', 'req.headers'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
