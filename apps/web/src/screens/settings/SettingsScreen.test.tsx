import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { apiError, type Handlers, renderWithApi, SESSION } from '../../test/api';
import { SettingsScreen } from './SettingsScreen';

const MEMBER = { ...SESSION, org: { ...SESSION.org, role: 'member' as const } };
const future = new Date(Date.now() + 7 * 86_400_000).toISOString();

function handlers(over: Handlers = {}): Handlers {
  let policy = 'revoke';
  return {
    'orgs.current': () => ({ id: 'org_1', role: 'owner', plan: 'standard', limits: { keyQuota: 1000, rateLimit: 200, rateWindowMs: 60_000 }, leakedKeyPolicy: policy }),
    'orgs.members': () => [],
    'orgs.invitations': () => [],
    'orgs.myInvitations': () => [],
    'orgs.setLeakedKeyPolicy': (input) => {
      policy = (input as { policy: string }).policy;
      return { success: true };
    },
    'serviceAccounts.list': () => ({ items: [], nextCursor: null }),
    'apis.list': () => [],
    'rbac.listRoles': () => [],
    'rbac.listPermissions': () => [],
    'audit.list': () => ({ items: [], nextCursor: null }),
    ...over,
  };
}

describe('SettingsScreen', () => {
  it('lets an owner switch leaked keys to flag-only', async () => {
    const { calls } = renderWithApi(<SettingsScreen />, handlers());
    const form = await screen.findByRole('form', { name: 'Leaked-key policy' });
    const select = within(form).getByLabelText('When a key leaks');
    expect(select).toHaveValue('revoke');
    expect(within(form).getByRole('button', { name: 'Save policy' })).toBeDisabled();
    const user = userEvent.setup();
    await user.selectOptions(select, 'flag');
    await user.click(within(form).getByRole('button', { name: 'Save policy' }));
    expect(await screen.findByText('Leaked keys are now only flagged.')).toBeInTheDocument();
    expect(calls.find((c) => c.path === 'orgs.setLeakedKeyPolicy')?.input).toEqual({ policy: 'flag' });
  });

  it('removes a member only after confirming, and shows why a removal was refused', async () => {
    let members = [
      { userId: 'user_2', name: 'Ada', email: 'ada@example.com', role: 'member', joinedAt: future },
      { userId: 'user_3', name: 'Bob', email: 'bob@example.com', role: 'member', joinedAt: future },
    ];
    const { calls } = renderWithApi(
      <SettingsScreen />,
      handlers({
        'orgs.members': () => members,
        'orgs.removeMember': (input) => {
          const { userId } = input as { userId: string };
          if (userId === 'user_3') throw apiError('Bob still owns keys that cannot be moved', { code: 'CONFLICT', httpStatus: 409 });
          members = members.filter((m) => m.userId !== userId);
          return { success: true };
        },
      }),
    );
    const user = userEvent.setup();
    const table = await screen.findByRole('table', { name: 'Members' });

    await user.click(within(table).getByRole('button', { name: 'Remove Ada' }));
    const confirm = await screen.findByRole('alertdialog', { name: 'Remove Ada?' });
    expect(within(confirm).getByText(/ada@example\.com loses access/)).toBeInTheDocument();
    await user.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(calls.some((c) => c.path === 'orgs.removeMember')).toBe(false);

    await user.click(within(table).getByRole('button', { name: 'Remove Ada' }));
    await user.click(within(await screen.findByRole('alertdialog', { name: 'Remove Ada?' })).getByRole('button', { name: 'Remove member' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    await waitFor(() => expect(within(table).queryByText('Ada')).toBeNull());
    expect(calls.find((c) => c.path === 'orgs.removeMember')?.input).toEqual({ userId: 'user_2' });

    await user.click(within(table).getByRole('button', { name: 'Remove Bob' }));
    const refused = await screen.findByRole('alertdialog', { name: 'Remove Bob?' });
    await user.click(within(refused).getByRole('button', { name: 'Remove member' }));
    expect(await within(refused).findByText('Bob still owns keys that cannot be moved')).toBeInTheDocument();
    expect(within(table).getByText('Bob')).toBeInTheDocument();
  });

  it('hides the leaked-key policy and catalogue controls from a member, and shows their invitations with Accept', async () => {
    vi.spyOn(window, 'scrollTo').mockImplementation(() => undefined);
    const accept = vi.fn(() => ({ organizationId: 'org_2', role: 'admin', plan: 'standard' }));
    renderWithApi(
      <SettingsScreen />,
      handlers({
        'orgs.myInvitations': () => [
          { id: 'inv_1', organizationId: 'org_2', organizationName: 'Other Co', role: 'admin', invitedBy: 'user_9', createdAt: future, expiresAt: future },
        ],
        'orgs.acceptInvitation': accept,
      }),
      MEMBER,
    );
    const table = await screen.findByRole('table', { name: 'Invitations for you' });
    expect(within(table).getByText('Other Co')).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Leaked keys' })).toBeNull();
    expect(screen.queryByRole('form', { name: /^Create/ })).toBeNull();
    await userEvent.setup().click(within(table).getByRole('button', { name: 'Accept invitation to Other Co' }));
    await waitFor(() => expect(accept).toHaveBeenCalledWith({ invitationId: 'inv_1' }));
  });
});
