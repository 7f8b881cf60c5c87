import type { Request } from 'express';

const MAX_USER_AGENT = 512;

export function clientInfo(req: Request): { ip: string | null; userAgent: string | null } {
  const ua = req.get('user-agent');
  return { ip: req.ip ?? null, userAgent: ua ? ua.slice(0, MAX_USER_AGENT) : null };
}
