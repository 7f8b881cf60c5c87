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

/** Honours a sane incoming id (so traces join up across services), otherwise mints one. */
export const requestId: RequestHandler = (req, res, next) => {
  const incoming = req.get('x-request-id');
  const id = incoming && SAFE_ID.test(incoming) ? incoming : newId('req');
  req.requestId = id;
  res.setHeader('x-request-id', id);
  requestContext.run({ requestId: id }, next);
};
