import type { RequestHandler } from 'express';
import type { Logger } from './logger';

/** One line per request: what was asked, by whom (kind and key id, never a secret), how it went. */
export function accessLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const caller = req.caller;
      log.info(
        {
          method: req.method,
          route: req.route ? `${req.baseUrl}${String(req.route.path)}` : req.baseUrl || req.path,
          status: res.statusCode,
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
          caller: caller?.kind ?? 'anonymous',
          ...(caller?.kind === 'key' ? { keyId: caller.key.id } : {}),
          ...(caller?.kind === 'session' ? { userId: caller.user.id } : {}),
        },
        'request',
      );
    });
    next();
  };
}
