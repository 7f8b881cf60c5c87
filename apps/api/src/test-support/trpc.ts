import { createTRPCClient, httpLink } from '@trpc/client';
import type { AppRouter } from '../trpc/router';
import { bearer, call, type Reply } from './http';

/** A typed client as the web app builds it, authenticated with a session token. */
export function trpcClient(base: string, token?: string, headers: Record<string, string> = {}) {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${base}/trpc`, headers: { ...(token ? bearer(token) : {}), ...headers } })],
  });
}

/** One procedure over plain HTTP, for tests that assert on status codes and raw error bodies. */
export function trpcCall(
  base: string,
  type: 'query' | 'mutation',
  path: string,
  input: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  if (type === 'query') {
    const qs = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    return call(base, 'GET', `/trpc/${path}${qs}`, { headers });
  }
  return call(base, 'POST', `/trpc/${path}`, { headers, ...(input === undefined ? {} : { body: input }) });
}
