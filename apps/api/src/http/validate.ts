import type { z } from 'zod';
import { badRequest } from '../services/errors';
import { zodProblem } from './problem';
import { assertStorableText } from './storable-text';

/** Parses a request part with a surface's schema; the first issue names the field. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  assertStorableText(value);
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const p = zodProblem(r.error);
  throw badRequest(p.message, p.field);
}

/**
 * A zod `error` for a field's type: "is required" when absent, "must be <type>" when present
 * but wrong, so `{"name": 123}` is not reported as a missing name.
 */
export const typeError = (type: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? 'is required' : `must be ${type}`;
