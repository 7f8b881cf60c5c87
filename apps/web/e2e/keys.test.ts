import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launch, newContext, SCREENSHOTS, snap } from './support/browser';
import { type RunningApi, startApi } from './support/server';

const OWNER = { name: 'Olivia Owner', email: 'owner@example.com', password: 'correct horse battery staple' };
const OTHER = { name: 'Oscar Other', email: 'oscar@example.org', password: 'another long passphrase' };

/** What a program using the key would see: the org-keys list, authenticated by the key. */
async function useKey(api: RunningApi, secret: string): Promise<number> {
  const res = await fetch(`${api.url}/v1/api-keys`, {
    headers: { Authorization: `Bearer ${secret}`, 'User-Agent': 'keyward-e2e/1.0' },
  });
  await res.body?.cancel();
  return res.status;
}

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// A developer without Chromium may skip; CI installs it, so there a missing browser must fail.
describe.skipIf(!hasChromium() && !process.env.CI)('the admin UI against the real API', () => {
  let api: RunningApi;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let firstSecret = '';
  let rolledSecret = '';
  let firstKeyId = '';
  let rolledKeyId = '';

  beforeAll(async () => {
    api = await startApi({ KEYWARD_OPEN_SIGNUP: 'true' });
    browser = await launch();
    context = await newContext(browser, api.url);
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
  });

  it('offers to create the owner account on an empty instance', async () => {
    await page.goto('/');
    await page.getByRole('heading', { name: 'Create the owner account' }).waitFor();
    await snap(page, '01-first-run');
    await page.getByLabel('Name').fill(OWNER.name);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Create owner account' }).click();
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    await page.getByText('No keys yet').waitFor();
    await snap(page, '02-keys-empty');
  });

  it('creates a key and shows its secret once, behind an acknowledgement', async () => {
    const opener = page.getByRole('button', { name: 'Create key' });
    await opener.click();
    const dialog = page.getByRole('dialog', { name: 'Create API key' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Create key' }).click();
    await dialog.getByText('Give the key a name').waitFor();
    expect(await dialog.getByLabel('Name').evaluate((el) => el === document.activeElement)).toBe(true);
    await dialog.getByLabel('Metadata').fill('{"team": ');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    await dialog.getByText(/Not valid JSON/).waitFor();
    await snap(page, '03-create-key-invalid');

    await dialog.getByLabel('Name').fill('Billing service');
    await dialog.getByLabel('Description').fill('Charges customers from the billing worker');
    await dialog.getByLabel('Expires').selectOption('30');
    await dialog.getByLabel('Permissions').fill('invoices.read, invoices.write');
    await dialog.getByLabel('Metadata').fill('{"team": "billing"}');
    await dialog.getByRole('button', { name: 'Create key' }).click();

    const reveal = page.getByRole('dialog', { name: 'Your new API key' });
    await reveal.getByText('You won’t see it again').waitFor();
    firstSecret = (await reveal.getByTestId('secret').textContent()) ?? '';
    expect(firstSecret).toMatch(/^kw_[0-9A-Za-z]{20,}$/);
    await reveal.getByRole('button', { name: 'Copy key' }).click();
    await reveal.getByText('Copied', { exact: true }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(firstSecret);
    await snap(page, '04-secret-once');

    // Closing needs the acknowledgement: Done is disabled and Escape does nothing.
    expect(await reveal.getByRole('button', { name: 'Done' }).isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
    expect(await reveal.isVisible()).toBe(true);
    await reveal.getByLabel('I have copied this key and stored it somewhere safe').check();
    await reveal.getByRole('button', { name: 'Done' }).click();
    await reveal.waitFor({ state: 'detached' });
    expect(await opener.evaluate((el) => el === document.activeElement)).toBe(true);
    // The secret is gone from the page.
    expect(await page.content()).not.toContain(firstSecret);
  });

  it('lists the key and shows when it was last used', async () => {
    const row = page.getByRole('row', { name: /Billing service/ });
    await row.waitFor();
    await expect.poll(() => row.textContent()).toContain('Never');
    expect(await useKey(api, firstSecret)).toBe(200);
    // Usage is buffered and flushed every ~2 s; refresh until the table shows it.
    await eventually(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.waitForTimeout(300);
      return !(await row.getByText('Never').count()) && /just now|minute/.test((await row.textContent()) ?? '');
    }, 'last used to update');
    const href = await row.getByRole('link', { name: 'Billing service' }).getAttribute('href');
    firstKeyId = decodeURIComponent(href?.split('/').pop() ?? '');
    expect(firstKeyId).toMatch(/^key_/);
    await row.locator('.tooltip__trigger').hover();
    await page.getByRole('tooltip').filter({ hasText: 'keyward-e2e/1.0' }).waitFor();
    await snap(page, '05-keys-table');

    await page.getByLabel('Search').fill('nothing-like-this');
    await page.getByText('No keys match').waitFor();
    await page.getByLabel('Search').fill(firstSecret.slice(0, 7));
    await row.waitFor();
    await page.getByLabel('Search').fill('');
    await page.getByLabel('Status').selectOption('revoked');
    await page.getByText('No keys match').waitFor();
    await page.getByLabel('Status').selectOption('');
    await row.waitFor();
  });

  it('shows every detail of the key and its usage', async () => {
    await page.getByRole('link', { name: 'Billing service' }).click();
    await page.getByRole('heading', { name: /Billing service/ }).waitFor();
    await page.getByText('invoices.write').first().waitFor();
    await page.getByText('"team": "billing"').waitFor();
    await eventually(async () => {
      await page.reload();
      await page.getByRole('heading', { name: /Billing service/ }).waitFor();
      await page.getByText(/^\d+ verifications?$/).waitFor();
      return (await page.getByText(/^1 verification$/).count()) > 0;
    }, 'the usage chart to count the verification');
    await page.getByRole('img', { name: /Verifications in the last 24 hours: 1 in total/ }).waitFor();
    await snap(page, '06-key-detail');
  });

  it('rolls the key with a grace period and shows the new secret once', async () => {
    await page.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Billing service' });
    await edit.getByLabel('Description').fill('Charges customers nightly');
    await snap(page, '06b-edit-dialog');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.waitFor({ state: 'detached' });
    await page.getByText('Changes saved.').waitFor();
    await page.getByText('Charges customers nightly').first().waitFor();

    await page.getByRole('button', { name: 'Roll key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Roll Billing service' });
    await dialog.getByRole('radio', { name: '1 hour' }).check();
    await snap(page, '07-roll-dialog');
    await dialog.getByRole('button', { name: 'Roll key' }).click();
    const reveal = page.getByRole('dialog', { name: 'Your rolled API key' });
    rolledSecret = (await reveal.getByTestId('secret').textContent()) ?? '';
    expect(rolledSecret).toMatch(/^kw_/);
    expect(rolledSecret).not.toBe(firstSecret);
    await reveal.getByLabel('I have copied this key and stored it somewhere safe').check();
    await reveal.getByRole('button', { name: 'Done' }).click();
    await page.waitForURL((u) => u.pathname.startsWith('/keys/') && !u.pathname.endsWith(firstKeyId));
    rolledKeyId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
    await page.getByText(firstKeyId).waitFor(); // "Rolled from"
    expect(await useKey(api, rolledSecret)).toBe(200);
    expect(await useKey(api, firstSecret)).toBe(200); // still inside its grace period
  });

  it('revokes after a confirmation that names the key; the key is refused at once', async () => {
    await page.getByRole('button', { name: 'Revoke' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Revoke “Billing service”?' });
    await dialog.waitFor();
    await snap(page, '08-revoke-dialog');
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('This key is revoked').waitFor();
    expect(await useKey(api, rolledSecret)).toBe(401);
    await snap(page, '09-key-revoked');
  });

  it('records all of it in the audit log', async () => {
    await page.getByRole('link', { name: 'Audit log', exact: true }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    for (const action of ['key.revoke', 'key.reroll', 'key.update', 'key.create', 'user.signup']) {
      await page.getByRole('cell').getByText(action, { exact: true }).first().waitFor();
    }
    await snap(page, '10-audit-log');
    await page.getByLabel('Action').selectOption('key.reroll');
    await expect.poll(() => page.getByRole('row').count()).toBe(2); // header + one entry
    await page.getByLabel('Action').selectOption('');
    await page.getByLabel('Key ID').fill(rolledKeyId);
    // The rolled key's own trail: born by the roll, then revoked; nothing of the first key or the sign-up.
    await expect.poll(() => page.getByRole('row').count()).toBe(3); // header + two entries
    const actions = await page.getByRole('cell').locator('.badge').allTextContents();
    expect(actions.filter((a) => a.startsWith('key.') || a.startsWith('user.')).sort()).toEqual(['key.create', 'key.revoke']);
  });

  it('shows members, invitations and the plan to the owner', async () => {
    await page.getByRole('link', { name: 'Organization', exact: true }).click();
    await page.getByRole('heading', { name: 'Members' }).waitFor();
    await page.getByLabel(`Role of ${OWNER.name}`).waitFor();
    await page.getByLabel('Email').fill('new.hire@example.com');
    await page.getByRole('button', { name: 'Invite' }).click();
    await page.getByRole('cell', { name: 'new.hire@example.com' }).waitFor();
    await page.getByRole('heading', { name: 'Plan' }).waitFor();
    await snap(page, '11-settings');
  });

  it('creates a service account, an API and a role in settings, and offers the API when creating a key', async () => {
    const accounts = page.getByRole('form', { name: 'Create a service account' });
    await accounts.getByLabel('Name').fill('deploy-bot');
    await accounts.getByRole('button', { name: 'Create service account' }).click();
    await page.getByRole('table', { name: 'Service accounts' }).getByText('deploy-bot').waitFor();

    const apis = page.getByRole('form', { name: 'Create an API' });
    await apis.getByLabel('Name').fill('Payments');
    await apis.getByRole('button', { name: 'Create API' }).click();
    await page.getByRole('table', { name: 'APIs' }).getByText('Payments').waitFor();
    await page.getByRole('button', { name: 'Delete API Payments' }).waitFor();

    const roles = page.getByRole('form', { name: 'Create a role' });
    await roles.getByLabel('Role name').fill('billing-admin');
    await roles.getByLabel('Permissions').fill('invoices.read, refunds.write');
    await roles.getByRole('button', { name: 'Create role' }).click();
    const roleRow = page.getByRole('table', { name: 'Roles' }).getByRole('row', { name: /billing-admin/ });
    await roleRow.getByText('refunds.write').waitFor();
    // Roles create the permissions they name; the key's own permissions are there too.
    await page.getByRole('table', { name: 'Permissions' }).getByText('refunds.write').waitFor();
    await page.getByRole('table', { name: 'Permissions' }).getByText('invoices.write').waitFor();
    await page.getByRole('heading', { name: 'Leaked keys' }).waitFor();
    await snap(page, '11c-settings-catalogues');

    await page.getByRole('link', { name: 'API keys', exact: true }).click();
    await page.getByRole('button', { name: 'Create key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create API key' });
    const apiSelect = dialog.getByLabel('API', { exact: true });
    await expect.poll(() => apiSelect.isEnabled()).toBe(true);
    expect(await apiSelect.locator('option').allTextContents()).toEqual(['Default (default)', 'Payments']);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'Organization', exact: true }).click();
    await page.getByRole('heading', { name: 'Members' }).waitFor();
  });

  it('opens the navigation menu on a phone', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByLabel('Organization', { exact: true }).waitFor();
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, '11b-menu-390.png') });
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it('signs out', async () => {
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await snap(page, '12-sign-in');
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Invalid email or password').waitFor();
  });

  it('gives an invited member only their own keys and no owner controls', async () => {
    const member = await newContext(browser, api.url);
    const p = await member.newPage();
    p.setDefaultTimeout(15_000);
    await p.goto('/');
    await p.getByRole('button', { name: 'Create an account' }).click();
    await p.getByLabel('Name').fill('Nina Newhire');
    await p.getByLabel('Email').fill('new.hire@example.com');
    await p.getByLabel('Password').fill('a third long passphrase');
    await p.getByRole('button', { name: 'Create account' }).click();
    await p.getByText('Keys you own in').waitFor();
    await p.getByText('No keys yet').waitFor();
    await p.getByRole('link', { name: 'Organization', exact: true }).click();
    await p.getByRole('heading', { name: 'Members' }).waitFor();
    await p.getByRole('cell', { name: /Olivia Owner/ }).waitFor();
    expect(await p.getByRole('button', { name: 'Invite' }).count()).toBe(0);
    expect(await p.getByRole('heading', { name: 'Plan' }).count()).toBe(0);
    expect(await p.getByRole('button', { name: /^Remove/ }).count()).toBe(0);
    expect(await p.getByLabel(/^Role of/).count()).toBe(0);
    // Members read the catalogues but get no controls for them.
    await p.getByRole('table', { name: 'APIs' }).getByText('Payments').waitFor();
    await p.getByRole('table', { name: 'Roles' }).getByText('billing-admin').waitFor();
    expect(await p.getByRole('form', { name: /^Create/ }).count()).toBe(0);
    expect(await p.getByRole('button', { name: /^Delete/ }).count()).toBe(0);
    expect(await p.getByRole('heading', { name: 'Leaked keys' }).count()).toBe(0);
    await snap(p, '13-settings-member');
    await member.close();
  });

  it('shows a user of another organization none of it', async () => {
    const other = await newContext(browser, api.url);
    const p = await other.newPage();
    p.setDefaultTimeout(15_000);
    await p.goto('/');
    await p.getByRole('button', { name: 'Create an account' }).click();
    await p.getByLabel('Name').fill(OTHER.name);
    await p.getByLabel('Email').fill(OTHER.email);
    await p.getByLabel('Password').fill(OTHER.password);
    await p.getByRole('button', { name: 'Create account' }).click();
    await p.getByText('No keys yet').waitFor();
    expect(await p.content()).not.toContain('Billing service');

    await p.goto(`/keys/${encodeURIComponent(firstKeyId)}`);
    await p.getByText('This key does not exist').waitFor();

    await p.goto('/audit');
    await p.getByRole('cell').getByText('user.signup', { exact: true }).waitFor();
    const text = (await p.textContent('table')) ?? '';
    expect(text).toContain(OTHER.email);
    expect(text).not.toContain('key.create');
    expect(text).not.toContain(OWNER.email);
    expect((await p.textContent('main')) ?? '').not.toContain(OWNER.name);

    await p.goto('/settings');
    await p.getByRole('heading', { name: 'Members' }).waitFor();
    expect((await p.textContent('main')) ?? '').not.toContain(OWNER.email);
    await other.close();
  });
});
