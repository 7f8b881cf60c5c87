import { useEffect } from 'react';
import { trpc } from './api';
import { Link, matchRoute, useLocation } from './lib/router';
import { AuthScreen } from './screens/auth/AuthScreen';
import { NoOrganizationScreen } from './screens/auth/NoOrganizationScreen';
import { AuditScreen } from './screens/audit/AuditScreen';
import { KeyDetailScreen } from './screens/keys/KeyDetailScreen';
import { KeysScreen } from './screens/keys/KeysScreen';
import { SettingsScreen } from './screens/settings/SettingsScreen';
import { Shell } from './screens/Shell';
import { SessionProvider } from './session';
import { EmptyState, ErrorState, LoadingState } from './ui/States';

export function App() {
  const session = trpc.auth.session.useQuery(undefined, { staleTime: 60_000, retry: 1 });
  const signedIn = Boolean(session.data?.user && 'organization' in session.data && session.data.organization);
  const orgs = trpc.orgs.mine.useQuery(undefined, { enabled: signedIn });

  if (session.isPending) return <FullPage><LoadingState label="Loading Keyward…" /></FullPage>;
  if (session.isError) {
    return (
      <FullPage>
        <ErrorState title="Keyward is not reachable" error={session.error} onRetry={() => void session.refetch()} />
      </FullPage>
    );
  }
  const data = session.data;
  if (!data.user) return <AuthScreen needsOwner={data.needsOwner} />;
  const org = 'organization' in data ? data.organization : null;
  if (!org) return <NoOrganizationScreen user={data.user} />;

  const orgName = orgs.data?.organizations.find((o) => o.id === org.id)?.name ?? '';
  return (
    <SessionProvider value={{ user: data.user, org: { ...org, name: orgName } }}>
      <Shell organizations={orgs.data?.organizations ?? []}>
        <Routes />
      </Shell>
    </SessionProvider>
  );
}

function Routes() {
  const { pathname } = useLocation();
  const route = matchRoute(pathname);
  switch (route.name) {
    case 'keys':
      return <KeysScreen />;
    case 'key':
      return <KeyDetailScreen key={route.id} id={route.id} />;
    case 'audit':
      return <AuditScreen />;
    case 'settings':
      return <SettingsScreen />;
    default:
      return <NotFound />;
  }
}

function NotFound() {
  useEffect(() => {
    document.title = 'Not found · Keyward';
  }, []);
  return <EmptyState title="This page does not exist" action={<Link href="/">Go to API keys</Link>} />;
}

function FullPage({ children }: { children: React.ReactNode }) {
  return <main className="full-page">{children}</main>;
}
