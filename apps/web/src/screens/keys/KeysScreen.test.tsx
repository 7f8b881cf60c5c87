import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Key } from '../../api';
import { apiError, makeKey, renderWithApi, SESSION } from '../../test/api';
import { KeysScreen } from './KeysScreen';

type ListInput = { status?: string; search?: string; cursor?: string; limit: number };
const page = (keys: Key[], nextCursor: string | null = null) => ({ keys, nextCursor });

function pending() {
  return new Promise<never>(() => undefined);
}

describe('KeysScreen: states', () => {
  it('shows a loading state while the first page loads', () => {
    renderWithApi(<KeysScreen />, { 'keys.list': pending });
    expect(screen.getByRole('status')).toHaveTextContent('Loading keys…');
  });

  it('invites to create the first key when the organization has none', async () => {
    renderWithApi(<KeysScreen />, { 'keys.list': () => page([]) });
    expect(await screen.findByText('No keys yet')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Create your first key' })).toBeInTheDocument();
  });

  it('shows the API’s message when loading fails, and retries', async () => {
    let calls = 0;
    const user = userEvent.setup();
    renderWithApi(<KeysScreen />, {
      'keys.list': () => {
        calls++;
        if (calls === 1) throw apiError('This API key lacks the keys:read scope', { code: 'FORBIDDEN', httpStatus: 403 });
        return page([makeKey({ name: 'Recovered' })]);
      },
    });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not load keys');
    expect(alert).toHaveTextContent('This API key lacks the keys:read scope');
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('link', { name: 'Recovered' })).toBeInTheDocument();
  });

  it('lists name, start (never a secret), access, status, times and remaining uses', async () => {
    const now = Date.now();
    renderWithApi(<KeysScreen />, {
      'keys.list': () =>
        page([
          makeKey({
            id: 'key_a',
            name: 'Billing',
            description: 'From the worker',
            start: 'kw_Ab12',
            scopes: ['read'],
            permissions: ['invoices.write'],
            lastUsedAt: new Date(now - 5 * 60_000).toISOString(),
            lastUsedIp: '203.0.113.9',
            lastUsedUserAgent: 'curl/8.5',
            expiresAt: new Date(now + 3 * 86_400_000 + 60_000).toISOString(),
            remaining: 42,
            refillInterval: 'daily',
            refillAmount: 100,
          }),
          makeKey({ id: 'key_b', name: null, status: 'revoked', revokedAt: new Date(now).toISOString() }),
        ]),
    });
    const row = (await screen.findByRole('link', { name: 'Billing' })).closest('tr') as HTMLElement;
    expect(within(row).getByRole('link', { name: 'Billing' })).toHaveAttribute('href', '/keys/key_a');
    expect(row).toHaveTextContent('From the worker');
    expect(row).toHaveTextContent('kw_Ab12…');
    expect(row).toHaveTextContent('read');
    expect(row).toHaveTextContent('invoices.write');
    expect(within(row).getByText('Active')).toBeInTheDocument();
    expect(row).toHaveTextContent('3 days ago');
    expect(row).toHaveTextContent('5 minutes ago');
    expect(within(row).getByRole('tooltip')).toHaveTextContent('203.0.113.9');
    expect(within(row).getByRole('tooltip')).toHaveTextContent('curl/8.5');
    expect(row).toHaveTextContent('in 3 days');
    expect(row).toHaveTextContent('42');
    expect(row).toHaveTextContent('refills 100 daily');

    const other = screen.getByRole('link', { name: 'Untitled key' }).closest('tr') as HTMLElement;
    expect(within(other).getByText('Revoked')).toBeInTheDocument();
    expect(other).toHaveTextContent('Never');
    expect(other).toHaveTextContent('Unlimited');
    expect(screen.getByText('2 keys')).toBeInTheDocument();
  });

  it('tells a member the list holds only their own keys', async () => {
    renderWithApi(<KeysScreen />, { 'keys.list': () => page([]) }, { ...SESSION, org: { ...SESSION.org, role: 'member' } });
    expect(await screen.findByText('Keys you own in Acme.')).toBeInTheDocument();
  });
});

describe('KeysScreen: filters and pages', () => {
  function filtering() {
    const all = [makeKey({ name: 'Alpha', start: 'kw_Alph' }), makeKey({ name: 'Beta', start: 'kw_Beta', status: 'disabled', enabled: false })];
    return (raw: unknown) => {
      const input = raw as ListInput;
      let keys = all;
      if (input.status) keys = keys.filter((k) => k.status === input.status);
      if (input.search) keys = keys.filter((k) => k.name?.toLowerCase().includes(input.search?.toLowerCase() ?? '') || k.start.startsWith(input.search ?? ''));
      return page(keys);
    };
  }

  it('filters by status on the server', async () => {
    const user = userEvent.setup();
    const { calls } = renderWithApi(<KeysScreen />, { 'keys.list': filtering() });
    await screen.findByRole('link', { name: 'Alpha' });
    await user.selectOptions(screen.getByLabelText('Status'), 'disabled');
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Alpha' })).toBeNull());
    expect(screen.getByRole('link', { name: 'Beta' })).toBeInTheDocument();
    expect(calls.at(-1)?.input).toMatchObject({ status: 'disabled', limit: 50 });
  });

  it('searches by name or start after a pause in typing', async () => {
    // No timer between keystrokes: on a loaded machine a 0 ms timer can outlast the debounce.
    const user = userEvent.setup({ delay: null });
    const { calls } = renderWithApi(<KeysScreen />, { 'keys.list': filtering() });
    await screen.findByRole('link', { name: 'Alpha' });
    await user.type(screen.getByLabelText('Search'), 'kw_Bet');
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Alpha' })).toBeNull());
    expect(await screen.findByRole('link', { name: 'Beta' })).toBeInTheDocument();
    const searches = calls.filter((c) => (c.input as ListInput).search);
    expect(searches.map((c) => (c.input as ListInput).search)).toEqual(['kw_Bet']);
  });

  it('says when nothing matches and clears the filters', async () => {
    const user = userEvent.setup();
    renderWithApi(<KeysScreen />, { 'keys.list': filtering() });
    await screen.findByRole('link', { name: 'Alpha' });
    await user.type(screen.getByLabelText('Search'), 'zzz');
    expect(await screen.findByText('No keys match')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(await screen.findByRole('link', { name: 'Alpha' })).toBeInTheDocument();
    expect(screen.getByLabelText('Search')).toHaveValue('');
  });

  it('loads the next page with the cursor the API returned', async () => {
    const user = userEvent.setup();
    const first = Array.from({ length: 3 }, (_, i) => makeKey({ name: `First ${i}` }));
    const second = [makeKey({ name: 'Second 0' })];
    const { calls } = renderWithApi(<KeysScreen />, {
      'keys.list': (raw) => ((raw as ListInput).cursor === 'c1' ? page(second) : page(first, 'c1')),
    });
    await screen.findByRole('link', { name: 'First 0' });
    expect(screen.getByText('3 keys shown')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findByRole('link', { name: 'Second 0' })).toBeInTheDocument();
    expect(screen.getByText('4 keys')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    expect(calls.map((c) => (c.input as ListInput).cursor)).toEqual([undefined, 'c1']);
  });
});
