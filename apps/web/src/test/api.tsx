import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { TRPCClientError, type TRPCLink } from '@trpc/client';
import { observable } from '@trpc/server/observable';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import type { AppRouter } from '@keyward/api';
import { type Key, trpc } from '../api';
import { SessionProvider, type SessionInfo } from '../session';

export type Handler = (input: unknown) => unknown | Promise<unknown>;
export type Handlers = Record<string, Handler>;

export interface Call {
  path: string;
  input: unknown;
}

/** A tRPC error as the API sends it, with `data.field` naming the input at fault. */
export function apiError(message: string, opts: { code?: string; httpStatus?: number; field?: string | null } = {}) {
  return TRPCClientError.from<AppRouter>({
    error: {
      message,
      code: -32600,
      data: { code: opts.code ?? 'BAD_REQUEST', httpStatus: opts.httpStatus ?? 400, field: opts.field ?? null },
    },
  });
}

/**
 * A tRPC link answering from handlers instead of a server, so components run their real
 * hooks. Every call is recorded; an unhandled path fails loudly.
 */
function mockLink(handlers: Handlers, calls: Call[]): TRPCLink<AppRouter> {
  return () =>
    ({ op }) =>
      observable((observer) => {
        // Through JSON, as over the wire: dates arrive as ISO strings.
        const input: unknown = op.input === undefined ? undefined : JSON.parse(JSON.stringify(op.input));
        calls.push({ path: op.path, input });
        const handler = handlers[op.path];
        Promise.resolve()
          .then(() => {
            if (!handler) throw new Error(`no handler for ${op.path}`);
            return handler(input);
          })
          .then(
            (data) => {
              observer.next({ result: { type: 'data', data } });
              observer.complete();
            },
            (err) => observer.error(err instanceof TRPCClientError ? err : TRPCClientError.from(err as Error)),
          );
        return () => undefined;
      });
}

export const SESSION: SessionInfo = {
  user: { id: 'user_1', email: 'owner@example.com', name: 'Olivia Owner' },
  org: { id: 'org_1', role: 'owner', plan: 'standard', name: 'Acme' },
};

export function renderWithApi(ui: ReactElement, handlers: Handlers, session: SessionInfo = SESSION) {
  const calls: Call[] = [];
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Number.POSITIVE_INFINITY }, mutations: { retry: false } } });
  const client = trpc.createClient({ links: [mockLink(handlers, calls)] });
  const result = render(
    <trpc.Provider client={client} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        <SessionProvider value={session}>{ui}</SessionProvider>
      </QueryClientProvider>
    </trpc.Provider>,
  );
  return { ...result, calls, queryClient };
}

let seq = 0;
/** A key as `keys.list` and `keys.get` return it (dates as ISO strings, as JSON carries them). */
export function makeKey(over: Partial<Key> = {}): Key {
  seq++;
  const created = new Date(Date.now() - 3 * 86_400_000).toISOString();
  return {
    id: `key_${String(seq).padStart(4, '0')}`,
    organizationId: 'org_1',
    apiId: 'api_1',
    start: `kw_ab${String(seq).padStart(2, '0')}`,
    prefix: 'kw',
    byteLength: 16,
    name: `Key ${seq}`,
    description: null,
    userId: 'user_1',
    serviceAccountId: null,
    createdBy: 'user_1',
    source: 'dashboard',
    scopes: ['read-write'],
    ownerId: null,
    externalId: null,
    meta: null,
    environment: null,
    enabled: true,
    expiresAt: null,
    revokedAt: null,
    deletedAt: null,
    remaining: null,
    refillInterval: null,
    refillAmount: null,
    refillDay: null,
    lastRefillAt: null,
    ratelimitEnabled: false,
    ratelimitType: null,
    ratelimitLimit: null,
    ratelimitDuration: null,
    rotatedFromId: null,
    lastUsedAt: null,
    lastUsedIp: null,
    lastUsedUserAgent: null,
    createdAt: created,
    updatedAt: created,
    status: 'active',
    permissions: [],
    roles: [],
    ratelimit: { type: 'fast', limit: 200, durationMs: 60_000, inherited: true },
    recoverable: false,
    ...over,
  } as Key;
}
