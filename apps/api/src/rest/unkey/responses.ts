import { z } from 'zod';

/**
 * Unkey v1 response bodies as render.ts and the route handlers write them (unset fields left
 * out, never null). The OpenAPI document is generated from these, and its test checks real
 * answers against it, so a renderer that drifts fails there.
 */

const link = z.object({ id: z.string(), name: z.string() });
export const empty = z.object({});

export const key = z.object({
  id: z.string(),
  start: z.string(),
  workspaceId: z.string(),
  apiId: z.string().optional(),
  name: z.string().optional(),
  ownerId: z.string().optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
  createdAt: z.number().int(),
  updatedAt: z.number().int().optional(),
  expires: z.number().int().optional(),
  remaining: z.number().int().optional(),
  refill: z
    .object({
      interval: z.enum(['daily', 'monthly']),
      amount: z.number().int(),
      lastRefillAt: z.number().int().optional(),
      refillDay: z.number().int().optional(),
    })
    .optional(),
  ratelimit: z
    .object({
      async: z.boolean(),
      type: z.enum(['fast', 'consistent']),
      limit: z.number().int(),
      duration: z.number().int(),
      refillRate: z.number().int(),
      refillInterval: z.number().int(),
    })
    .optional(),
  roles: z.array(z.string()),
  permissions: z.array(z.string()),
  enabled: z.boolean(),
  plaintext: z.string().optional().describe('Only with decrypt=true, for a recoverable key'),
});

export const verify = z.object({
  keyId: z.string().optional(),
  valid: z.boolean(),
  code: z.enum(['VALID', 'NOT_FOUND', 'FORBIDDEN', 'DISABLED', 'EXPIRED', 'USAGE_EXCEEDED', 'RATE_LIMITED', 'INSUFFICIENT_PERMISSIONS']),
  name: z.string().optional(),
  ownerId: z.string().optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
  expires: z.number().int().optional(),
  ratelimit: z.object({ limit: z.number().int(), remaining: z.number().int(), reset: z.number().int() }).optional(),
  remaining: z.number().int().optional(),
  enabled: z.boolean().optional(),
  permissions: z.array(z.string()).optional(),
  roles: z.array(z.string()).optional(),
  environment: z.string().optional(),
  requestId: z.string(),
});

export const permission = z.object({ id: z.string(), name: z.string(), slug: z.string(), description: z.string().optional() });
export const role = z.object({ id: z.string(), name: z.string(), description: z.string().optional() });

export const createKey = z.object({ keyId: z.string(), key: z.string() });
export const updateRemaining = z.object({ remaining: z.number().int().nullable() });
export const links = z.array(link);
export const verifications = z.object({
  verifications: z.array(z.object({ time: z.number().int(), success: z.number().int(), rateLimited: z.number().int(), usageExceeded: z.number().int() })),
});
export const createApi = z.object({ apiId: z.string() });
export const api = z.object({ id: z.string(), workspaceId: z.string(), name: z.string() });
export const listKeys = z.object({ keys: z.array(key), cursor: z.string().optional(), total: z.number().int() });
export const createPermission = z.object({ permissionId: z.string() });
export const createRole = z.object({ roleId: z.string() });

export const error = z.object({
  error: z.object({ code: z.string(), docs: z.string(), message: z.string(), requestId: z.string() }),
});
