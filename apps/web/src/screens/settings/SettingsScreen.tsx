import { useState } from 'react';
import { type Member, type OrgRole, type Plan, trpc } from '../../api';
import { errorField, errorMessage, messageWithoutField } from '../../lib/errors';
import { useTitle } from '../../lib/title';
import { formatDate, formatDuration, relativeTime, useNow } from '../../lib/time';
import { canManageOrg, useSession } from '../../session';
import { Badge } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { SelectField, TextField } from '../../ui/Field';
import { DetailList, Muted, PageHeader, Section } from '../../ui/misc';
import { type Column, Table } from '../../ui/Table';
import { Callout, EmptyState, ErrorState, LoadingState } from '../../ui/States';

const ROLES: { value: OrgRole; label: string; hint: string }[] = [
  { value: 'owner', label: 'Owner', hint: 'Everything, including members and the plan' },
  { value: 'admin', label: 'Admin', hint: 'Every key and the whole audit log' },
  { value: 'member', label: 'Member', hint: 'Only their own keys' },
];
const PLANS: { value: Plan; label: string }[] = [
  { value: 'free', label: 'Free' },
  { value: 'standard', label: 'Standard' },
  { value: 'pro', label: 'Pro' },
];

/** Organization settings: who is in it, who is invited, and (owners only) the plan. */
export function SettingsScreen() {
  useTitle('Organization');
  const { org } = useSession();
  const owner = canManageOrg(org.role);
  return (
    <>
      <PageHeader title="Organization" description={owner ? 'Members, invitations and plan.' : 'Members and invitations. Only owners can change them.'} />
      <OverviewSection />
      <MembersSection />
      <InvitationsSection />
      {owner ? <PlanSection /> : null}
      <Section title="Coming soon" description="Available through the REST API today; their screens come later.">
        <ul className="soon-list">
          <li>
            <strong>Service accounts</strong> — keys that belong to a workload rather than a person.
          </li>
          <li>
            <strong>APIs</strong> — separate keyspaces, as in Unkey.
          </li>
          <li>
            <strong>Roles and permissions</strong> — named bundles of permissions to give keys.
          </li>
        </ul>
      </Section>
    </>
  );
}

function OverviewSection() {
  const { org } = useSession();
  const current = trpc.orgs.current.useQuery();
  return (
    <Section title={org.name || 'This organization'}>
      {current.isPending ? (
        <LoadingState />
      ) : current.isError ? (
        <ErrorState error={current.error} onRetry={() => void current.refetch()} />
      ) : (
        <DetailList
          items={[
            { label: 'ID', value: <span className="mono">{current.data.id}</span> },
            { label: 'Your role', value: <Badge tone="accent">{current.data.role}</Badge> },
            { label: 'Plan', value: <Badge>{current.data.plan}</Badge> },
            { label: 'Key quota', value: `${current.data.limits.keyQuota.toLocaleString()} active keys` },
            {
              label: 'Default rate limit',
              value: `${current.data.limits.rateLimit.toLocaleString()} per ${formatDuration(current.data.limits.rateWindowMs)} for keys without their own`,
            },
          ]}
        />
      )}
    </Section>
  );
}

function MembersSection() {
  const { org, user } = useSession();
  const owner = canManageOrg(org.role);
  const now = useNow(60_000);
  const members = trpc.orgs.members.useQuery();
  const utils = trpc.useUtils();
  const [removing, setRemoving] = useState<Member | null>(null);
  const [error, setError] = useState<string | null>(null);
  const setRole = trpc.orgs.setRole.useMutation({
    onSuccess: async () => {
      setError(null);
      await Promise.all([utils.orgs.members.invalidate(), utils.audit.list.invalidate(), utils.auth.session.invalidate()]);
    },
    onError: (err) => setError(errorMessage(err)),
  });

  const columns: Column<Member>[] = [
    {
      key: 'who',
      header: 'Member',
      className: 'cell--lead',
      render: (m) => (
        <>
          <span className="cell-title">
            {m.name}
            {m.userId === user.id ? <Muted> (you)</Muted> : null}
          </span>
          <span className="cell-sub">{m.email}</span>
        </>
      ),
    },
    {
      key: 'role',
      header: 'Role',
      render: (m) =>
        owner ? (
          <select
            className="input select input--compact"
            aria-label={`Role of ${m.name}`}
            value={m.role}
            disabled={setRole.isPending}
            onChange={(e) => setRole.mutate({ userId: m.userId, role: e.target.value as OrgRole })}
          >
            {ROLES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        ) : (
          <Badge tone={m.role === 'owner' ? 'accent' : 'neutral'}>{m.role}</Badge>
        ),
    },
    { key: 'joined', header: 'Joined', render: (m) => <span title={formatDate(m.joinedAt)}>{relativeTime(m.joinedAt, now, { past: true })}</span> },
    ...(owner
      ? [
          {
            key: 'actions',
            header: 'Actions',
            align: 'end' as const,
            render: (m: Member) => (
              <Button size="sm" variant="ghost" onClick={() => setRemoving(m)} aria-label={`Remove ${m.name}`}>
                Remove
              </Button>
            ),
          },
        ]
      : []),
  ];

  return (
    <Section title="Members" description={ROLES.map((r) => `${r.label}: ${r.hint.toLowerCase()}`).join(' · ')}>
      {error ? <Callout tone="danger">{error}</Callout> : null}
      {members.isPending ? (
        <LoadingState label="Loading members…" />
      ) : members.isError ? (
        <ErrorState title="Could not load members" error={members.error} onRetry={() => void members.refetch()} />
      ) : members.data.length === 0 ? (
        <EmptyState title="No members" />
      ) : (
        <Table caption="Members" columns={columns} rows={members.data} rowKey={(m) => m.userId} />
      )}
      {removing ? <RemoveMemberDialog member={removing} onClose={() => setRemoving(null)} /> : null}
    </Section>
  );
}

function RemoveMemberDialog({ member, onClose }: { member: Member; onClose: () => void }) {
  const utils = trpc.useUtils();
  const remove = trpc.orgs.removeMember.useMutation({
    onSuccess: async () => {
      await Promise.all([utils.orgs.members.invalidate(), utils.audit.list.invalidate()]);
      onClose();
    },
  });
  return (
    <Dialog
      open
      role="alertdialog"
      size="sm"
      onClose={onClose}
      dismissible={!remove.isPending}
      title={`Remove ${member.name}?`}
      footer={
        <>
          <Button onClick={onClose} disabled={remove.isPending}>
            Cancel
          </Button>
          <Button variant="danger" loading={remove.isPending} onClick={() => remove.mutate({ userId: member.userId })}>
            Remove member
          </Button>
        </>
      }
    >
      <p>
        {member.email} loses access to this organization at once, and keys acting for them stop working.
      </p>
      {remove.isError ? <Callout tone="danger">{errorMessage(remove.error)}</Callout> : null}
    </Dialog>
  );
}

function InvitationsSection() {
  const { org } = useSession();
  const owner = canManageOrg(org.role);
  const now = useNow(60_000);
  const invitations = trpc.orgs.invitations.useQuery();
  const utils = trpc.useUtils();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<OrgRole>('member');
  const [emailError, setEmailError] = useState<string | undefined>();
  const [sent, setSent] = useState<string | null>(null);
  const invite = trpc.orgs.invite.useMutation({
    onSuccess: async (inv) => {
      setSent(`Invitation for ${inv.email} saved. They can now create an account with that address.`);
      setEmail('');
      await Promise.all([utils.orgs.invitations.invalidate(), utils.audit.list.invalidate()]);
    },
    onError: (err) => {
      if (errorField(err) === 'email') setEmailError(messageWithoutField(errorMessage(err), 'email'));
    },
  });
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    setSent(null);
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) {
      setEmailError('Enter a valid email address');
      return;
    }
    setEmailError(undefined);
    invite.mutate({ email: email.trim(), role });
  };

  return (
    <Section title="Invitations" description="People invited by email join this organization when they create their account.">
      <div className="stack">
        {owner ? (
          <form className="invite-form" onSubmit={submit} noValidate aria-label="Invite a member">
            <TextField label="Email" type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} error={emailError} />
            <SelectField label="Role" value={role} onChange={(e) => setRole(e.target.value as OrgRole)}>
              {ROLES.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.label}
                </option>
              ))}
            </SelectField>
            <Button type="submit" variant="primary" loading={invite.isPending}>
              Invite
            </Button>
          </form>
        ) : null}
        {sent ? <Callout tone="success">{sent}</Callout> : null}
        {invite.isError && errorField(invite.error) !== 'email' ? <Callout tone="danger">{errorMessage(invite.error)}</Callout> : null}
        {invitations.isPending ? (
          <LoadingState label="Loading invitations…" />
        ) : invitations.isError ? (
          <ErrorState title="Could not load invitations" error={invitations.error} onRetry={() => void invitations.refetch()} />
        ) : invitations.data.length === 0 ? (
          <p className="muted">No pending invitations.</p>
        ) : (
          <Table
            caption="Pending invitations"
            rows={invitations.data}
            rowKey={(i) => i.id}
            columns={[
              { key: 'email', header: 'Email', className: 'cell--lead', render: (i) => <span className="cell-title">{i.email}</span> },
              { key: 'role', header: 'Role', render: (i) => <Badge>{i.role}</Badge> },
              { key: 'sent', header: 'Sent', render: (i) => relativeTime(i.createdAt, now, { past: true }) },
              { key: 'expires', header: 'Expires', render: (i) => relativeTime(i.expiresAt, now) },
            ]}
          />
        )}
      </div>
    </Section>
  );
}

function PlanSection() {
  const { org } = useSession();
  const utils = trpc.useUtils();
  const [plan, setPlan] = useState<Plan>(org.plan);
  const [saved, setSaved] = useState(false);
  const setPlanM = trpc.orgs.setPlan.useMutation({
    onSuccess: async () => {
      setSaved(true);
      await Promise.all([utils.orgs.current.invalidate(), utils.auth.session.invalidate(), utils.orgs.mine.invalidate(), utils.audit.list.invalidate()]);
    },
  });
  return (
    <Section title="Plan" description="Sets the key quota and the default rate limit. Only owners see this.">
      <form
        className="invite-form"
        onSubmit={(e) => {
          e.preventDefault();
          setSaved(false);
          setPlanM.mutate({ plan });
        }}
        aria-label="Change plan"
      >
        <SelectField label="Plan" value={plan} onChange={(e) => setPlan(e.target.value as Plan)}>
          {PLANS.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
        </SelectField>
        <Button type="submit" variant="primary" loading={setPlanM.isPending} disabled={plan === org.plan}>
          Change plan
        </Button>
      </form>
      {saved ? <Callout tone="success">Plan changed to {org.plan}.</Callout> : null}
      {setPlanM.isError ? <Callout tone="danger">{errorMessage(setPlanM.error)}</Callout> : null}
    </Section>
  );
}
