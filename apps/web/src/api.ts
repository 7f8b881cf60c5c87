import type { AppRouter } from '@keyward/api';
import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { httpBatchLink, TRPCClientError } from '@trpc/client';
import { createTRPCReact } from '@trpc/react-query';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';

/** Typed against the API's router: a changed procedure breaks this build, not production. */
export const trpc = createTRPCReact<AppRouter>();

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type Key = RouterOutputs['keys']['get'];
export type KeyStatus = Key['status'];
export type AuditEntry = RouterOutputs['audit']['list']['items'][number];
export type Member = RouterOutputs['orgs']['members'][number];
export type KeyUsage = RouterOutputs['keys']['usage'];
export type CreateKeyInput = RouterInputs['keys']['create'];
export type UpdateKeyInput = RouterInputs['keys']['update'];
export type OrgRole = Member['role'];
export type Plan = RouterOutputs['orgs']['current']['plan'];

export function isUnauthorized(err: unknown): boolean {
  return err instanceof TRPCClientError && err.data?.code === 'UNAUTHORIZED';
}

/** One client per app; a 401 anywhere (expired session) sends the user back to sign-in. */
export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError(err, query) {
        const path = query.queryKey[0];
        const isSession = Array.isArray(path) && path[0] === 'auth' && path[1] === 'session';
        if (isUnauthorized(err) && !isSession) void client.invalidateQueries({ queryKey: [['auth', 'session']] });
      },
    }),
    mutationCache: new MutationCache({
      onError(err) {
        if (isUnauthorized(err)) void client.invalidateQueries({ queryKey: [['auth', 'session']] });
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        retry: (count, err) => !(err instanceof TRPCClientError && (err.data?.httpStatus ?? 500) < 500) && count < 2,
      },
    },
  });
  return client;
}

export function createTrpcClient(url = '/trpc') {
  return trpc.createClient({
    links: [httpBatchLink({ url, fetch: (input, init) => fetch(input, { ...init, credentials: 'same-origin' }) })],
  });
}
