/** A tiny fetch wrapper for tests: JSON in, status + JSON (or text) out. */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON replies field by field
export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function call<T = any>(
  base: string,
  method: string,
  path: string,
  opts: { body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  let body: string | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // Non-JSON answers are kept as text for the assertion to show.
  }
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
export const betterAuthCookie = (token: string) => ({ Cookie: `better-auth.session_token=${token}` });

let counter = 0;
export const uniqueEmail = (label = 'user') => `${label}-${Date.now().toString(36)}-${counter++}@example.com`;

/** Signs up through the better-auth path and returns the session token. */
export async function signUp(base: string, email = uniqueEmail(), name = 'Test User', password = 'correct horse battery') {
  const r = await call<{ token: string; user: { id: string } }>(base, 'POST', '/api/auth/sign-up/email', {
    body: { email, password, name },
  });
  if (r.status !== 200) throw new Error(`sign-up failed: ${r.status} ${r.text}`);
  return { token: r.body.token, userId: r.body.user.id, email, password };
}
