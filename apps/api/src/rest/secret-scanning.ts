import { verify } from 'node:crypto';
import express, { Router } from 'express';
import { z } from 'zod';
import { clientInfo } from '../http/client-info';
import type { Logger } from '../http/logger';
import { surfaceErrors } from '../http/surface-errors';
import { parseWith } from '../http/validate';
import type { Services } from '../services';
import { badRequest, unauthorized } from '../services/errors';

/**
 * GitHub's secret-scanning partner protocol: GitHub posts the tokens matching our published
 * pattern that it found in public, signed with one of its keys; we revoke (or flag) ours and
 * label each token. Mounted at POST /v1/secret-scanning/github.
 * https://docs.github.com/en/code-security/secret-scanning/secret-scanning-partnership-program/secret-scanning-partner-program
 */
/** GitHub batches reports; this bounds one batch (and the body that carries it). */
export const MAX_REPORTED_TOKENS = 1000;
const BODY_LIMIT = '1mb';

export const leakReportBody = z
  .array(
    z.object({
      token: z.string().max(4096, 'must be at most 4096 characters'),
      type: z.string().max(200, 'must be at most 200 characters'),
      url: z.string().max(4096, 'must be at most 4096 characters'),
      source: z.string().max(200, 'must be at most 200 characters'),
    }),
  )
  .max(MAX_REPORTED_TOKENS, `must hold at most ${MAX_REPORTED_TOKENS} tokens`);

export const leakVerdictsResponse = z.array(
  z.strictObject({
    token_raw: z.string(),
    token_type: z.string(),
    label: z.enum(['true_positive', 'false_positive']),
  }),
);

/** True when `signature` (base64 DER ECDSA) signs `body` under the configured key `keyId`. */
function signedByGitHub(keys: Map<string, string>, keyId: string | undefined, signature: string | undefined, body: Buffer): boolean {
  const pem = keyId ? keys.get(keyId) : undefined;
  if (!pem || !signature) return false;
  try {
    return verify('sha256', body, pem, Buffer.from(signature, 'base64'));
  } catch {
    // A signature that is not DER at all is just a wrong signature.
    return false;
  }
}

export function secretScanningRoutes(services: Services, log: Logger): Router {
  const r = Router();
  // Raw bytes: the signature covers the body exactly as sent, before any JSON parsing.
  r.post('/github', express.raw({ type: () => true, limit: BODY_LIMIT }), async (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const keyId = req.get('github-public-key-identifier');
    const signature = req.get('github-public-key-signature');
    // Nothing in the body is read, not even parsed, before the signature checks out.
    if (!signedByGitHub(services.config.secretScanningKeys, keyId, signature, body)) {
      throw unauthorized('Github-Public-Key-Signature does not verify under a configured Github-Public-Key-Identifier');
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw badRequest('Request body is not valid JSON');
    }
    const reports = parseWith(leakReportBody, json);
    const verdicts = await services.leaks.report(reports, clientInfo(req));
    const answer: z.infer<typeof leakVerdictsResponse> = verdicts.map((v) => ({ token_raw: v.token, token_type: v.type, label: v.label }));
    res.json(answer);
  });
  r.use(surfaceErrors(log, (p, requestId) => ({ error: { code: p.code, message: p.message, requestId } })));
  return r;
}
