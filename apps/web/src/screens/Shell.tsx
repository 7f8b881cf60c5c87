import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useId, useState } from 'react';
import { trpc } from '../api';
import { errorMessage } from '../lib/errors';
import { Link, matchRoute, navigate, useLocation } from '../lib/router';
import { useSession } from '../session';
import { Button } from '../ui/Button';
import { Dialog } from '../ui/Dialog';
import { TextField } from '../ui/Field';
import { Callout } from '../ui/States';

interface OrgSummary {
  id: string;
  name: string;
  role: string;
  plan: string;
}

const NAV = [
  { href: '/', label: 'API keys', match: ['keys', 'key'] },
  { href: '/audit', label: 'Audit log', match: ['audit'] },
  { href: '/settings', label: 'Organization', match: ['settings'] },
] as const;

/** The frame around every signed-in screen: navigation, organization switcher, account. */
export function Shell({ organizations, children }: { organizations: OrgSummary[]; children: ReactNode }) {
  const { pathname } = useLocation();
  const current = matchRoute(pathname).name;
  const [menuOpen, setMenuOpen] = useState(false);
  const menuId = useId();

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="sidebar__top">
          <Brand />
          <button
            type="button"
            className="sidebar__menu-btn"
            aria-expanded={menuOpen}
            aria-controls={menuId}
            onClick={() => setMenuOpen((o) => !o)}
          >
            <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
              <path d="M2 4h12M2 8h12M2 12h12" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
            </svg>
            <span>Menu</span>
          </button>
        </div>
        <nav className="sidebar__nav" aria-label="Main">
          {NAV.map((item) => (
            <Link
              key={item.href}
              href={item.href}
              className="nav-link"
              aria-current={(item.match as readonly string[]).includes(current) ? 'page' : undefined}
              onClick={() => setMenuOpen(false)}
            >
              {item.label}
            </Link>
          ))}
        </nav>
        <div className={`sidebar__panel${menuOpen ? ' is-open' : ''}`} id={menuId}>
          <OrgSwitcher organizations={organizations} />
          <Account />
        </div>
      </aside>
      <main className="main" id="main" tabIndex={-1}>
        <div className="main__inner">{children}</div>
      </main>
    </div>
  );
}

function Brand() {
  return (
    <Link href="/" className="brand" aria-label="Keyward home">
      <svg viewBox="0 0 32 32" width="24" height="24" aria-hidden="true">
        <rect width="32" height="32" rx="7" fill="#3446c9" />
        <circle cx="12" cy="16" r="5" fill="none" stroke="#fff" strokeWidth="3" />
        <path d="M17 16h10M23 16v5M27 16v4" stroke="#fff" strokeWidth="3" strokeLinecap="round" />
      </svg>
      <span>Keyward</span>
    </Link>
  );
}

function OrgSwitcher({ organizations }: { organizations: OrgSummary[] }) {
  const { org } = useSession();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const switchOrg = trpc.orgs.switch.useMutation({
    onSuccess: async () => {
      navigate('/');
      await queryClient.resetQueries();
    },
  });
  const selectId = useId();
  return (
    <div className="org-switcher">
      <label htmlFor={selectId} className="sidebar__label">
        Organization
      </label>
      <select
        id={selectId}
        className="org-switcher__select"
        value={org.id}
        disabled={switchOrg.isPending}
        onChange={(e) => switchOrg.mutate({ organizationId: e.target.value })}
      >
        {organizations.length === 0 ? <option value={org.id}>{org.name || 'Current organization'}</option> : null}
        {organizations.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name} · {o.role}
          </option>
        ))}
      </select>
      {switchOrg.isError ? <p className="sidebar__error" role="alert">{errorMessage(switchOrg.error)}</p> : null}
      <button type="button" className="sidebar__link-btn" onClick={() => setCreating(true)}>
        + New organization
      </button>
      {creating ? <CreateOrgDialog onClose={() => setCreating(false)} /> : null}
    </div>
  );
}

export function CreateOrgDialog({ onClose }: { onClose: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | undefined>();
  const create = trpc.orgs.create.useMutation({
    onSuccess: async () => {
      onClose();
      navigate('/');
      await queryClient.resetQueries();
    },
  });
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!name.trim()) {
      setError('Give the organization a name');
      return;
    }
    setError(undefined);
    create.mutate({ name: name.trim() });
  };
  return (
    <Dialog
      open
      onClose={onClose}
      dismissible={!create.isPending}
      size="sm"
      title="New organization"
      description="You become its owner. Keys, members and the audit log are separate per organization."
      footer={
        <>
          <Button onClick={onClose} disabled={create.isPending}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" form="create-org-form" loading={create.isPending}>
            Create organization
          </Button>
        </>
      }
    >
      <form id="create-org-form" className="form-grid" onSubmit={submit} noValidate>
        <TextField label="Name" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} error={error} autoComplete="organization" />
        {create.isError ? <Callout tone="danger">{errorMessage(create.error)}</Callout> : null}
      </form>
    </Dialog>
  );
}

function Account() {
  const { user } = useSession();
  const queryClient = useQueryClient();
  const done = async () => {
    navigate('/', { replace: true });
    await queryClient.resetQueries();
  };
  const signOut = trpc.auth.signOut.useMutation({ onSuccess: done });
  const everywhere = trpc.auth.signOutEverywhere.useMutation({ onSuccess: done });
  const error = signOut.error ?? everywhere.error;
  return (
    <div className="account">
      <div className="account__who">
        <span className="account__avatar" aria-hidden="true">
          {(user.name || user.email).slice(0, 1).toUpperCase()}
        </span>
        <div className="account__text">
          <span className="account__name">{user.name}</span>
          <span className="account__email">{user.email}</span>
        </div>
      </div>
      <div className="account__actions">
        <button type="button" className="sidebar__link-btn" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
          {signOut.isPending ? 'Signing out…' : 'Sign out'}
        </button>
        <button type="button" className="sidebar__link-btn" onClick={() => everywhere.mutate()} disabled={everywhere.isPending}>
          Sign out everywhere
        </button>
      </div>
      {error ? <p className="sidebar__error" role="alert">{errorMessage(error)}</p> : null}
    </div>
  );
}
