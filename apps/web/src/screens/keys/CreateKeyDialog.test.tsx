import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { apiError, makeKey, renderWithApi } from '../../test/api';
import { CreateKeyDialog } from './CreateKeyDialog';

const NOW = Date.UTC(2026, 0, 10, 12);
const SECRET = 'kw_3fA9xQ2mZ7LpW4nK8rT1vB6cD5eF0g';
const APIS = [
  { id: 'api_default', organizationId: 'org_1', name: 'Default', isDefault: true, createdAt: '2026-01-01T00:00:00.000Z', deletedAt: null },
  { id: 'api_pay', organizationId: 'org_1', name: 'Payments', isDefault: false, createdAt: '2026-01-02T00:00:00.000Z', deletedAt: null },
];

function setup(handlers: Parameters<typeof renderWithApi>[1] = {}) {
  const onClose = vi.fn();
  const create = vi.fn((input: unknown) => ({
    key: makeKey({ name: (input as { name: string }).name, start: 'kw_3fA9' }),
    secret: SECRET,
  }));
  const utils = renderWithApi(<CreateKeyDialog onClose={onClose} now={() => NOW} />, {
    'keys.create': create,
    'apis.list': () => APIS,
    ...handlers,
  });
  const dialog = screen.getByRole('dialog', { name: 'Create API key' });
  return { ...utils, onClose, create, dialog, user: userEvent.setup() };
}

describe('CreateKeyDialog: validation', () => {
  it('asks for a name, marks the field invalid and focuses it; nothing is sent', async () => {
    const { dialog, user, create } = setup();
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }));
    const name = within(dialog).getByLabelText('Name');
    expect(name).toHaveAttribute('aria-invalid', 'true');
    expect(name).toHaveAccessibleDescription(/Give the key a name/);
    expect(name).toHaveFocus();
    expect(create).not.toHaveBeenCalled();
  });

  it('refuses metadata that is not a JSON object', async () => {
    const { dialog, user, create } = setup();
    await user.type(within(dialog).getByLabelText('Name'), 'CI');
    await user.type(within(dialog).getByLabelText(/Metadata/), '[[1, 2]');
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }));
    expect(within(dialog).getByText(/Metadata must be a JSON object/)).toBeInTheDocument();
    expect(within(dialog).getByLabelText(/Metadata/)).toHaveFocus();
    expect(create).not.toHaveBeenCalled();
  });

  it('refuses a custom expiry date in the past', async () => {
    const { dialog, user, create } = setup();
    await user.type(within(dialog).getByLabelText('Name'), 'CI');
    await user.selectOptions(within(dialog).getByLabelText('Expires'), 'custom');
    const date = within(dialog).getByLabelText('Expiry date');
    await user.clear(date);
    await user.type(date, '2020-05-01');
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }));
    expect(within(dialog).getByText('Pick a date in the future')).toBeInTheDocument();
    expect(create).not.toHaveBeenCalled();
  });

  it('sends what the form says: name, scope, expiry preset, limits and meta', async () => {
    const { dialog, user, create } = setup();
    await user.type(within(dialog).getByLabelText('Name'), 'Billing');
    await user.selectOptions(within(dialog).getByLabelText('Scope'), 'read');
    await user.selectOptions(within(dialog).getByLabelText('Expires'), '7');
    await user.selectOptions(within(dialog).getByLabelText('Rate limit'), 'custom');
    await user.clear(within(dialog).getByLabelText('Requests'));
    await user.type(within(dialog).getByLabelText('Requests'), '20');
    await user.click(within(dialog).getByLabelText('Limit the number of uses'));
    await user.clear(within(dialog).getByLabelText('Remaining uses'));
    await user.type(within(dialog).getByLabelText('Remaining uses'), '500');
    await user.type(within(dialog).getByLabelText(/Metadata/), '{{"team": "billing"}');
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }));
    await screen.findByRole('dialog', { name: 'Your new API key' });
    expect(create).toHaveBeenCalledTimes(1);
    const input = create.mock.calls[0]?.[0] as Record<string, unknown>;
    expect(input).toMatchObject({
      name: 'Billing',
      scopes: ['read'],
      expiresAt: new Date(NOW + 7 * 86_400_000).toISOString(),
      ratelimit: { type: 'fast', limit: 20, durationMs: 60_000 },
      remaining: 500,
      meta: { team: 'billing' },
    });
    expect(input).not.toHaveProperty('refill');
  });

  it('shows the API’s message on the field the API names', async () => {
    const { dialog, user } = setup({
      'keys.create': () => {
        throw apiError('roles: Role not found: editor', { code: 'NOT_FOUND', httpStatus: 404, field: 'roles' });
      },
    });
    await user.type(within(dialog).getByLabelText('Name'), 'CI');
    await user.type(within(dialog).getByLabelText(/Roles/), 'editor');
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }));
    const roles = await within(dialog).findByLabelText(/Roles/, { selector: 'input[aria-invalid="true"]' });
    expect(roles).toHaveAccessibleDescription(/Role not found: editor/);
  });

  it('preselects the default API and sends it', async () => {
    const { dialog, user, create } = setup();
    const api = within(dialog).getByLabelText('API');
    await waitFor(() => expect(api).toHaveValue('api_default'));
    expect(within(api).getByRole('option', { name: 'Default (default)' })).toBeInTheDocument();
    await user.type(within(dialog).getByLabelText('Name'), 'CI');
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }));
    await screen.findByRole('dialog', { name: 'Your new API key' });
    expect(create.mock.calls[0]?.[0]).toMatchObject({ name: 'CI', apiId: 'api_default' });
  });

  it('sends the API the user picked, and puts a refusal naming apiId on that field', async () => {
    const { dialog, user, calls } = setup({
      'keys.create': () => {
        throw apiError('API api_pay not found', { code: 'NOT_FOUND', httpStatus: 404, field: 'apiId' });
      },
    });
    const api = within(dialog).getByLabelText('API');
    await waitFor(() => expect(api).toBeEnabled());
    await user.selectOptions(api, 'api_pay');
    await user.type(within(dialog).getByLabelText('Name'), 'CI');
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }));
    await waitFor(() => expect(api).toHaveAttribute('aria-invalid', 'true'));
    expect(api).toHaveAccessibleDescription(/API api_pay not found/);
    expect(calls.find((c) => c.path === 'keys.create')?.input).toMatchObject({ apiId: 'api_pay' });
  });

  it('shows an error without a field above the buttons, keeping the form', async () => {
    const { dialog, user } = setup({
      'keys.create': () => {
        throw apiError('This organization has reached its quota of 10 active keys', { code: 'FORBIDDEN', httpStatus: 403 });
      },
    });
    await user.type(within(dialog).getByLabelText('Name'), 'CI');
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('reached its quota of 10 active keys');
    expect(within(dialog).getByLabelText('Name')).toHaveValue('CI');
  });
});

describe('CreateKeyDialog: the secret is shown once', () => {
  async function created() {
    const s = setup();
    await s.user.type(within(s.dialog).getByLabelText('Name'), 'Billing');
    await s.user.click(within(s.dialog).getByRole('button', { name: 'Create key' }));
    const reveal = await screen.findByRole('dialog', { name: 'Your new API key' });
    return { ...s, reveal };
  }

  it('shows the secret with a warning and a copy button', async () => {
    const { reveal } = await created();
    expect(within(reveal).getByTestId('secret')).toHaveTextContent(SECRET);
    expect(within(reveal).getByText(/You won’t see it again/)).toBeInTheDocument();
    expect(within(reveal).getByRole('button', { name: 'Copy key' })).toBeInTheDocument();
  });

  it('copies the secret to the clipboard', async () => {
    const { reveal, user } = await created();
    await user.click(within(reveal).getByRole('button', { name: 'Copy key' }));
    expect(await within(reveal).findByText('Copied')).toBeInTheDocument();
    expect(await navigator.clipboard.readText()).toBe(SECRET);
  });

  it('cannot be closed until the user confirms they stored it', async () => {
    const { reveal, user, onClose } = await created();
    const done = within(reveal).getByRole('button', { name: 'Done' });
    expect(done).toBeDisabled();
    expect(within(reveal).queryByRole('button', { name: 'Close' })).toBeNull();
    await user.keyboard('{Escape}');
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.getByRole('dialog', { name: 'Your new API key' })).toBeInTheDocument();

    await user.click(within(reveal).getByLabelText('I have copied this key and stored it somewhere safe'));
    expect(done).toBeEnabled();
    await user.click(done);
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('closes with Escape once acknowledged', async () => {
    const { reveal, user, onClose } = await created();
    await user.click(within(reveal).getByLabelText('I have copied this key and stored it somewhere safe'));
    await user.keyboard('{Escape}');
    await waitFor(() => expect(onClose).toHaveBeenCalledTimes(1));
  });
});
