import type { z } from 'zod';
import { badRequest } from '../services/errors';
import { zodProblem } from './problem';

/** Parses a request part with a surface's schema; the first issue names the field. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const p = zodProblem(r.error);
  throw badRequest(p.message, p.field);
}
