import { newId } from '@keyward/core';
import type { RequestHandler } from 'express';
import { requestContext } from './request-context';

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
export const requestId: RequestHandler = (req, res, next) => {
  const incoming = req.get('x-request-id');
  const id = incoming && SAFE_ID.test(incoming) ? incoming : `${processPrefix}${(sequence++).toString(36)}`;
  req.requestId = id;
  res.setHeader('x-request-id', id);
  requestContext.run({ requestId: id }, next);
};
