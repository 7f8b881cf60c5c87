import type { Request } from 'express';
import type { ClientInfo } from '../services/accounts';

const MAX_USER_AGENT = 512;

export function clientFrom(ip: string | undefined, userAgent: string | undefined): ClientInfo {
  return { ip: ip ?? null, userAgent: userAgent ? userAgent.slice(0, MAX_USER_AGENT) : null };
}

export const clientInfo = (req: Request): ClientInfo => clientFrom(req.ip, req.get('user-agent'));
