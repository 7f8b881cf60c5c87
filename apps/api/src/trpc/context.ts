import type { Request, Response } from 'express';
import type { Caller, CallerResolver } from '../auth/caller';
import type { Services } from '../services';

export interface Context {
  req: Request;
  res: Response;
  services: Services;
  caller: () => Promise<Caller>;
}

export function contextFactory(services: Services, resolver: CallerResolver) {
  return ({ req, res }: { req: Request; res: Response }): Context => ({
    req,
    res,
    services,
    caller: () => resolver.resolve(req),
  });
}
