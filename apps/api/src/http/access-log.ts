import type { Logger } from './logger';
import type { RequestObserver } from './request-timing';

/** One line per request: what was asked, by whom (kind and key id, never a secret), how it went. */
export function accessLog(log: Logger): RequestObserver {
  // Every field below is chosen, none a secret, so the logger's path redaction (a deep copy of
  // each line, the largest allocation of a verification) is skipped for these lines alone.
  const lines = log.child({}, { redact: { paths: [] } });
  return ({ requestId, method, path, route, caller, status, durationMs }) => {
    lines.info(
      {
        requestId,
        method,
        route: route ?? path,
        status,
        durationMs,
        caller: caller?.kind ?? 'anonymous',
        ...(caller?.kind === 'key' ? { keyId: caller.key.id } : {}),
        ...(caller?.kind === 'session' ? { userId: caller.user.id } : {}),
      },
      'request',
    );
  };
}
