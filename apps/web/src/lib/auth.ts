import { RestError } from './errors';

/** Sign-up and sign-in are REST (better-auth's paths); they set an httpOnly session cookie. */
async function post(path: string, body: unknown): Promise<unknown> {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    credentials: 'same-origin',
    body: JSON.stringify(body),
  });
  const data = (await res.json().catch(() => null)) as { message?: string } | null;
  if (!res.ok) {
    throw new RestError(data?.message ?? `The server answered ${res.status}`, res.status);
  }
  return data;
}

export const signUp = (input: { name: string; email: string; password: string }) => post('/api/auth/sign-up/email', input);
export const signIn = (input: { email: string; password: string }) => post('/api/auth/sign-in/email', input);
