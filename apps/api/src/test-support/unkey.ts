import { Unkey } from '@unkey/api';
import type { TestDriver } from '@keyward/db/testing';
import { bearer, call, signUp } from './http';
import { startTestServer } from './server';

/** Mints an organization API key to act as an Unkey root key (`read-write` can manage keys). */
export async function mintRootKey(base: string, sessionToken: string, scope: 'read' | 'read-write' = 'read-write') {
  const r = await call<{ data: { id: string; key: string } }>(base, 'POST', '/v1/api-keys', {
    headers: bearer(sessionToken),
    body: { name: `unkey root (${scope})`, scope },
  });
  if (r.status !== 200) throw new Error(`root key mint failed: ${r.status} ${r.text}`);
  return { id: r.body.data.id, key: r.body.data.key };
}

/** The official v1 SDK pointed at a test server; no retries, so a 5xx shows at once. */
export const unkeyClient = (base: string, rootKey: string) =>
  new Unkey({ rootKey, baseUrl: base, disableTelemetry: true, retry: { attempts: 0, backoff: () => 0 } });

/** A server with an owner, a root key and an API of its own: how the Unkey tests begin. */
export async function startUnkeyServer(driver: TestDriver, apiName: string, env: Record<string, string> = {}) {
  const server = await startTestServer(driver, env);
  const owner = await signUp(server.url);
  const rootKey = (await mintRootKey(server.url, owner.token)).key;
  const r = await call<{ apiId: string }>(server.url, 'POST', '/v1/apis.createApi', { headers: bearer(rootKey), body: { name: apiName } });
  if (r.status !== 200) throw new Error(`apis.createApi failed: ${r.status} ${r.text}`);
  return { server, owner, rootKey, apiId: r.body.apiId };
}
