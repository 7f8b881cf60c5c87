import { newId } from '@keyward/core';
import type { RequestHandler } from 'express';

const SAFE_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

declare global {
  namespace Express {
    interface Request {
      requestId: string;
    }
  }
}

// Request ids are not secrets: a random per-process prefix keeps them unique across instances,
// and a counter avoids drawing CSPRNG bytes on every request of the hot path.
const processPrefix = newId('req');
let sequence = 0;

/** Honours a sane incoming id (so traces join up across services), otherwise mints one. */
export function requestIdFor(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && SAFE_ID.test(incoming) ? incoming : `${processPrefix}${(sequence++).toString(36)}`;
}

export const requestId: RequestHandler = (req, res, next) => {
  const id = requestIdFor(req.headers['x-request-id']);
  req.requestId = id;
  res.setHeader('x-request-id', id);
  next();
};
