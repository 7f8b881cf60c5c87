/**
 * Unkey v1 permission queries, checked at verify time:
 *   "domains.create" | { and: [query, …] } | { or: [query, …] }
 *
 * Names match exactly (no wildcard expansion), as in Unkey v1. Like Unkey, an
 * empty `and` is true and an empty `or` is false (the identities of the
 * operators), so a query Unkey accepts is accepted here with the same meaning.
 * Unlike Unkey, an object carrying both `and` and `or`, or any other key, is
 * malformed instead of silently using one of them.
 */

export type PermissionQuery = string | { and: PermissionQuery[] } | { or: PermissionQuery[] };

export type PermissionQueryError = "malformed" | "too_deep" | "too_large";

export type ValidatePermissionQueryResult =
  | { ok: true; query: PermissionQuery }
  | { ok: false; error: PermissionQueryError; message: string };

export interface PermissionQueryLimits {
  /** Nested and/or levels; a bare name is depth 0. */
  maxDepth?: number;
  /** Names plus and/or objects. */
  maxNodes?: number;
}

const PERMISSION_NAME = /^[a-zA-Z0-9_.:*-]{1,512}$/;

export function isValidPermissionName(name: unknown): name is string {
  return typeof name === "string" && PERMISSION_NAME.test(name);
}

class QueryError extends Error {
  constructor(
    readonly error: PermissionQueryError,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Checks an untrusted query and returns a fresh copy of it. Depth and size are
 * bounded before recursing, so hostile input (deep nesting, huge or cyclic
 * objects) cannot exhaust the stack or CPU.
 */
export function validatePermissionQuery(
  q: unknown,
  { maxDepth = 8, maxNodes = 256 }: PermissionQueryLimits = {},
): ValidatePermissionQueryResult {
  let nodes = 0;
  const copy = (node: unknown, depth: number, path: string): PermissionQuery => {
    nodes++;
    if (nodes > maxNodes) throw new QueryError("too_large", `permission query has more than ${maxNodes} nodes`);
    if (typeof node === "string") {
      if (!isValidPermissionName(node)) {
        throw new QueryError("malformed", `${path} must be 1-512 characters of a-z A-Z 0-9 _ . : * -`);
      }
      return node;
    }
    if (typeof node !== "object" || node === null || Array.isArray(node)) {
      throw new QueryError("malformed", `${path} must be a permission name or an object with "and" or "or"`);
    }
    const keys = Object.keys(node);
    const op = keys[0];
    if (keys.length !== 1 || (op !== "and" && op !== "or")) {
      throw new QueryError("malformed", `${path} must have exactly one key, "and" or "or"`);
    }
    const children: unknown = (node as Record<string, unknown>)[op];
    if (!Array.isArray(children)) throw new QueryError("malformed", `${path}.${op} must be an array`);
    if (depth + 1 > maxDepth) throw new QueryError("too_deep", `permission query is nested deeper than ${maxDepth} levels`);
    const copied = children.map((child, i) => copy(child, depth + 1, `${path}.${op}[${i}]`));
    return op === "and" ? { and: copied } : { or: copied };
  };

  try {
    return { ok: true, query: copy(q, 0, "permissions") };
  } catch (e) {
    if (e instanceof QueryError) return { ok: false, error: e.error, message: e.message };
    throw e;
  }
}

/**
 * Evaluates a validated query. `missing` lists, without duplicates, the names
 * whose absence made the query fail; it is empty when the query passes.
 */
export function evaluatePermissionQuery(
  q: PermissionQuery,
  granted: ReadonlySet<string>,
): { valid: boolean; missing: string[] } {
  const missing = new Set<string>();
  const valid = evaluate(q, granted, missing);
  return { valid, missing: valid ? [] : [...missing] };
}

function evaluate(q: PermissionQuery, granted: ReadonlySet<string>, missing: Set<string>): boolean {
  if (typeof q === "string") {
    if (granted.has(q)) return true;
    missing.add(q);
    return false;
  }
  if ("and" in q) {
    let all = true;
    // No short-circuit: report every missing name, not just the first.
    for (const child of q.and) all = evaluate(child, granted, missing) && all;
    return all;
  }
  const scratch = new Set<string>();
  for (const child of q.or) {
    if (evaluate(child, granted, scratch)) return true;
  }
  for (const name of scratch) missing.add(name);
  return false;
}
