/**
 * Key scopes: `resource:action`, each part `[a-z0-9_.-]{1,64}` or `*`, plus the
 * legacy org-key scopes, which normalise as
 *   `*` ≡ `*:*`, `read-write` ≡ `*:*`, `read` ≡ `*:read`.
 *
 * Wildcards widen only what is GRANTED. A required `*:read` is a literal demand
 * for a grant covering every resource, so `analytics:read` does not satisfy it.
 * Invalid strings, on either side, never satisfy anything, and an empty grant
 * list grants nothing (an adapter that documents "omit for full access" passes
 * `["*"]` itself).
 */

export const MAX_SCOPES = 64;

export interface Scope {
  resource: string;
  action: string;
}

export type ParseScopeResult = ({ ok: true } & Scope) | { ok: false; message: string };

export type ParseScopesResult = { ok: true; scopes: string[] } | { ok: false; message: string };

const PART = /^(?:\*|[a-z0-9_.-]{1,64})$/;

const LEGACY: Readonly<Record<string, Scope>> = {
  "*": { resource: "*", action: "*" },
  "read-write": { resource: "*", action: "*" },
  read: { resource: "*", action: "read" },
};

export function parseScope(s: unknown): ParseScopeResult {
  if (typeof s !== "string") return { ok: false, message: "scope must be a string" };
  const legacy = Object.hasOwn(LEGACY, s) ? LEGACY[s] : undefined;
  if (legacy) return { ok: true, ...legacy };
  const colon = s.indexOf(":");
  const resource = s.slice(0, colon);
  const action = s.slice(colon + 1);
  if (colon === -1 || !PART.test(resource) || !PART.test(action)) {
    return {
      ok: false,
      message: `invalid scope "${s.slice(0, 140)}": expected "*", "read", "read-write" or "resource:action" where each part is "*" or 1-64 of a-z 0-9 _ . -`,
    };
  }
  return { ok: true, resource, action };
}

/** Validates a request's scope list (array of at most MAX_SCOPES valid scopes), keeping the strings as given. */
export function parseScopes(list: unknown): ParseScopesResult {
  if (!Array.isArray(list)) return { ok: false, message: "scopes must be an array of strings" };
  if (list.length > MAX_SCOPES) return { ok: false, message: `scopes must contain at most ${MAX_SCOPES} entries` };
  for (const [i, s] of list.entries()) {
    const parsed = parseScope(s);
    if (!parsed.ok) return { ok: false, message: `scopes[${i}]: ${parsed.message}` };
  }
  return { ok: true, scopes: [...list] };
}

export function satisfies(granted: readonly string[], required: string): boolean {
  const need = parseScope(required);
  if (!need.ok) return false;
  return granted.some((g) => {
    const have = parseScope(g);
    return (
      have.ok &&
      (have.resource === "*" || have.resource === need.resource) &&
      (have.action === "*" || have.action === need.action)
    );
  });
}

export function satisfiesAll(granted: readonly string[], required: readonly string[]): boolean {
  return required.every((r) => satisfies(granted, r));
}

/**
 * Whether a key holding `granted` may mint a key with `requested`: every
 * requested scope must already be covered, so delegation never widens access.
 */
export function isWithin(granted: readonly string[], requested: readonly string[]): boolean {
  return satisfiesAll(granted, requested);
}
