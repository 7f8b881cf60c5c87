import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, it } from 'vitest';
import { launch, newContext } from './support/browser';
import { type RunningApi, startApi, WEB_DIR } from './support/server';

/**
 * `pnpm --filter @keyward/web screenshot`: seeds an instance with a few keys in different
 * states and saves the keys screen as docs/keys-screen.png for the README.
 */
let api: RunningApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.stop();
});

async function json(res: Response) {
  const body = (await res.json()) as { result?: { data: unknown } };
  if (!res.ok) throw new Error(`${res.status}: ${JSON.stringify(body)}`);
  return body.result?.data ?? body;
}

it('regenerates docs/keys-screen.png', async () => {
  const signUp = await fetch(`${api.url}/api/auth/sign-up/email`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'ada@example.com', password: 'correct horse battery staple', name: 'Ada Lovelace' }),
  });
  const { token } = (await json(signUp)) as { token: string };
  const trpc = (path: string, input: unknown) =>
    fetch(`${api.url}/trpc/${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(input),
    }).then(json) as Promise<{ key: { id: string }; secret: string }>;

  const day = 86_400_000;
  const made = [];
  made.push(await trpc('keys.create', { name: 'Legacy importer', scopes: ['read'] }));
  made.push(await trpc('keys.create', { name: 'Staging smoke tests', description: 'Nightly end-to-end run', scopes: ['read'], expiresAt: new Date(Date.now() + 6 * day) }));
  made.push(await trpc('keys.create', { name: 'Partner: Northwind', description: 'Metered partner access', permissions: ['orders.read'], remaining: 4_750, refill: { interval: 'monthly', amount: 5_000, refillDay: 1 } }));
  made.push(await trpc('keys.create', { name: 'Analytics exporter', scopes: ['analytics:read', 'keys:read'], enabled: false }));
  made.push(await trpc('keys.create', { name: 'Billing service', description: 'Charges customers from the billing worker', permissions: ['invoices.read', 'invoices.write'], expiresAt: new Date(Date.now() + 90 * day) }));
  await trpc('keys.revoke', { id: made[0]?.key.id });
  for (const m of [made[1], made[2], made[4]]) {
    if (!m) continue;
    await fetch(`${api.url}/v1/api-keys`, { headers: { Authorization: `Bearer ${m.secret}`, 'User-Agent': 'billing-worker/2.3' } }).then((r) => r.body?.cancel());
  }
  await new Promise((r) => setTimeout(r, 3_000)); // usage is flushed every ~2 s

  const browser = await launch();
  try {
    const context = await newContext(browser, api.url);
    await context.addCookies([{ name: 'keyward_session', value: token, url: api.url }]);
    const page = await context.newPage();
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto('/');
    await page.getByRole('link', { name: 'Billing service' }).waitFor();
    mkdirSync(join(WEB_DIR, 'docs'), { recursive: true });
    await page.screenshot({ path: join(WEB_DIR, 'docs', 'keys-screen.png') });
  } finally {
    await browser.close();
  }
});
