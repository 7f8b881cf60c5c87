import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { apiError, renderWithApi, SESSION } from '../../test/api';
import { ApisSection, RolesSection, ServiceAccountsSection } from './CatalogSections';

const AT = '2026-01-01T00:00:00.000Z';
const MEMBER = { ...SESSION, org: { ...SESSION.org, role: 'member' as const } };

const sa = (name: string, description: string | null = null) => ({
  id: `sa_${name}`,
  organizationId: 'org_1',
  name,
  description,
  createdBy: 'user_1',
  createdAt: AT,
});

describe('ServiceAccountsSection', () => {
  it('shows loading, then the empty state; an owner creates one and sees it listed', async () => {
    const rows: ReturnType<typeof sa>[] = [];
    const create = vi.fn((input: unknown) => {
      const { name, description } = input as { name: string; description?: string };
      const row = sa(name, description ?? null);
      rows.unshift(row);
      return row;
    });
    const { calls } = renderWithApi(<ServiceAccountsSection />, {
      'serviceAccounts.list': () => ({ items: [...rows], nextCursor: null }),
      'serviceAccounts.create': create,
      'audit.list': () => ({ items: [], nextCursor: null }),
    });
    expect(screen.getByRole('status')).toHaveTextContent('Loading service accounts…');
    expect(await screen.findByText('No service accounts yet')).toBeInTheDocument();

    const user = userEvent.setup();
    const form = screen.getByRole('form', { name: 'Create a service account' });
    await user.click(within(form).getByRole('button', { name: 'Create service account' }));
    expect(within(form).getByLabelText('Name')).toHaveAccessibleDescription('Enter a name');
    expect(create).not.toHaveBeenCalled();

    await user.type(within(form).getByLabelText('Name'), 'ci-runner');
    await user.type(within(form).getByLabelText(/Description/), 'Deploys');
    await user.click(within(form).getByRole('button', { name: 'Create service account' }));
    const table = await screen.findByRole('table', { name: 'Service accounts' });
    expect(within(table).getByText('ci-runner')).toBeInTheDocument();
    expect(within(table).getByText('Deploys')).toBeInTheDocument();
    expect(calls.find((c) => c.path === 'serviceAccounts.create')?.input).toEqual({ name: 'ci-runner', description: 'Deploys' });
    expect(within(form).getByLabelText('Name')).toHaveValue('');
  });

  it('puts the API’s refusal on the field it names', async () => {
    renderWithApi(<ServiceAccountsSection />, {
      'serviceAccounts.list': () => ({ items: [], nextCursor: null }),
      'serviceAccounts.create': () => {
        throw apiError('description: must be at most 1000 characters', { field: 'description' });
      },
    });
    const user = userEvent.setup();
    const form = await screen.findByRole('form', { name: 'Create a service account' });
    await user.type(within(form).getByLabelText('Name'), 'ci');
    await user.type(within(form).getByLabelText(/Description/), 'x');
    await user.click(within(form).getByRole('button', { name: 'Create service account' }));
    await waitFor(() => expect(within(form).getByLabelText(/Description/)).toHaveAccessibleDescription('must be at most 1000 characters'));
    expect(within(form).getByLabelText('Name')).toHaveValue('ci');
  });

  it('shows an error state with a retry', async () => {
    renderWithApi(<ServiceAccountsSection />, {
      'serviceAccounts.list': () => {
        throw apiError('Something broke', { code: 'FORBIDDEN', httpStatus: 403 });
      },
    });
    expect(await screen.findByRole('alert')).toHaveTextContent(/Could not load service accounts.*Something broke/);
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });

  it('hides the create form from members', async () => {
    renderWithApi(<ServiceAccountsSection />, { 'serviceAccounts.list': () => ({ items: [sa('bot')], nextCursor: null }) }, MEMBER);
    expect(await screen.findByText('bot')).toBeInTheDocument();
    expect(screen.queryByRole('form')).toBeNull();
  });
});

describe('ApisSection', () => {
  const apis = [
    { id: 'api_d', organizationId: 'org_1', name: 'Default', isDefault: true, createdAt: AT, deletedAt: null },
    { id: 'api_p', organizationId: 'org_1', name: 'Payments', isDefault: false, createdAt: AT, deletedAt: null },
  ];

  it('protects the default API and deletes another after confirmation', async () => {
    const remove = vi.fn(() => ({ success: true }));
    renderWithApi(<ApisSection />, { 'apis.list': () => apis, 'apis.delete': remove, 'keys.list': () => ({ items: [], nextCursor: null }), 'audit.list': () => ({ items: [], nextCursor: null }) });
    const table = await screen.findByRole('table', { name: 'APIs' });
    expect(within(table).getByText('Protected')).toBeInTheDocument();
    expect(within(table).queryByRole('button', { name: 'Delete API Default' })).toBeNull();
    const user = userEvent.setup();
    await user.click(within(table).getByRole('button', { name: 'Delete API Payments' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete API Payments?' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete API' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(remove).toHaveBeenCalledWith({ id: 'api_p' });
  });

  it('shows members the list without controls', async () => {
    renderWithApi(<ApisSection />, { 'apis.list': () => apis }, MEMBER);
    const table = await screen.findByRole('table', { name: 'APIs' });
    expect(within(table).queryByRole('button')).toBeNull();
    expect(screen.queryByRole('form')).toBeNull();
  });
});

describe('RolesSection', () => {
  it('creates a role with permission names and lists it with them', async () => {
    const roles: { id: string; name: string; permissions: string[] }[] = [];
    renderWithApi(<RolesSection />, {
      'rbac.listRoles': () => roles.map((r) => ({ ...r, organizationId: 'org_1', description: null, createdAt: AT, updatedAt: AT })),
      'rbac.listPermissions': () => [],
      'rbac.createRole': (input) => {
        const { name, permissions } = input as { name: string; permissions: string[] };
        roles.push({ id: `role_${name}`, name, permissions });
        return { id: `role_${name}`, name };
      },
      'audit.list': () => ({ items: [], nextCursor: null }),
    });
    expect(await screen.findByText('No roles yet')).toBeInTheDocument();
    const user = userEvent.setup();
    const form = screen.getByRole('form', { name: 'Create a role' });
    await user.type(within(form).getByLabelText('Role name'), 'billing-admin');
    await user.type(within(form).getByLabelText(/Permissions/), 'billing.read, billing.write');
    await user.click(within(form).getByRole('button', { name: 'Create role' }));
    const table = await screen.findByRole('table', { name: 'Roles' });
    expect(within(table).getByText('billing-admin')).toBeInTheDocument();
    expect(within(table).getByText('billing.write')).toBeInTheDocument();
  });
});
