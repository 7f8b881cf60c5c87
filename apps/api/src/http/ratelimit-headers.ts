import { retryAfterSeconds } from '@keyward/core';
import type { Response } from 'express';
import type { VerifyResult } from '../services/verification/verifier';

/**
 * The one place that turns a key verification into rate-limit headers, for the key middleware
 * and for key-authenticated REST callers alike. RateLimit-* follow the IETF httpapi draft's
 * three-header form (Reset in seconds from now); Retry-After only when the limit refused the
 * request. A verification that stopped before the limiter (unknown key, missing scope) has no
 * quota to report and sets nothing.
 */
export function setRateLimitHeaders(res: Response, v: Pick<VerifyResult, 'code' | 'ratelimit'>, now = Date.now()): void {
  if (!v.ratelimit) return;
  const { limit, remaining, reset } = v.ratelimit;
  res.setHeader('RateLimit-Limit', String(limit));
  res.setHeader('RateLimit-Remaining', String(remaining));
  res.setHeader('RateLimit-Reset', String(Math.max(0, Math.ceil((reset - now) / 1000))));
  if (v.code === 'RATE_LIMITED') res.setHeader('Retry-After', String(retryAfterSeconds({ allowed: false, reset }, now)));
}
