import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { trpc } from '../../api';
import { useTitle } from '../../lib/title';
import { Button } from '../../ui/Button';
import { CreateOrgDialog } from '../Shell';

/** A user who belongs to no organization any more (removed from the last one) starts a new one. */
export function NoOrganizationScreen({ user }: { user: { name: string; email: string } }) {
  useTitle('No organization');
  const [creating, setCreating] = useState(false);
  const queryClient = useQueryClient();
  const signOut = trpc.auth.signOut.useMutation({ onSuccess: () => queryClient.resetQueries() });
  return (
    <main className="auth">
      <div className="auth__card">
        <h1>You are not in an organization</h1>
        <p className="auth__lead">
          {user.email} is not a member of any organization. Ask an owner to invite you again, or start a new organization.
        </p>
        <div className="row">
          <Button variant="primary" onClick={() => setCreating(true)}>
            New organization
          </Button>
          <Button onClick={() => signOut.mutate()} loading={signOut.isPending}>
            Sign out
          </Button>
        </div>
        {creating ? <CreateOrgDialog onClose={() => setCreating(false)} /> : null}
      </div>
    </main>
  );
}
