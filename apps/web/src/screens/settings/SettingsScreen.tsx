import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { type Member, type OrgRole, type Plan, trpc } from '../../api';
import { errorField, errorMessage, messageWithoutField } from '../../lib/errors';
import { navigate } from '../../lib/router';
import { useTitle } from '../../lib/title';
import { formatDate, formatDuration, relativeTime, useNow } from '../../lib/time';
import { canManageOrg, useSession } from '../../session';
import { Badge } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { SelectField, TextField } from '../../ui/Field';
import { DetailList, Muted, PageHeader, Section } from '../../ui/misc';
import { type Column, Table } from '../../ui/Table';
import { Callout, EmptyState, ErrorState, LoadingState } from '../../ui/States';
import { ApisSection, RolesSection, ServiceAccountsSection } from './CatalogSections';
import { ConfirmDeleteDialog } from './parts';

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

/** Organization settings: people, (owners only) plan and leak policy, and the catalogues keys draw on. */
export function SettingsScreen() {
  useTitle('Organization');
  const { org } = useSession();
  const owner = canManageOrg(org.role);
  return (
    <>
      <PageHeader
        title="Organization"
        description={
          owner
            ? 'Members, invitations, plan, service accounts, APIs, roles and permissions.'
            : 'Members, invitations, service accounts, APIs, roles and permissions. Only owners change members and the plan.'
        }
      />
      <YourInvitationsSection />
      <OverviewSection />
      <MembersSection />
      <InvitationsSection />
      {owner ? <PlanSection /> : null}
      {owner ? <LeakPolicySection /> : null}
      <ServiceAccountsSection />
      <ApisSection />
      <RolesSection />
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
            { label: 'Leaked keys', value: current.data.leakedKeyPolicy === 'flag' ? 'Flagged when reported' : 'Revoked when reported' },
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
    <ConfirmDeleteDialog
      title={`Remove ${member.name}?`}
      confirmLabel="Remove member"
      pending={remove.isPending}
      error={remove.error}
      onConfirm={() => remove.mutate({ userId: member.userId })}
      onClose={onClose}
    >
      <p>
        {member.email} loses access to this organization at once, and keys acting for them stop working.
      </p>
    </ConfirmDeleteDialog>
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

const LEAK_POLICIES: { value: LeakPolicy; label: string }[] = [
  { value: 'revoke', label: 'Revoke the key' },
  { value: 'flag', label: 'Only flag the key' },
];
type LeakPolicy = 'revoke' | 'flag';

function LeakPolicySection() {
  const utils = trpc.useUtils();
  const current = trpc.orgs.current.useQuery();
  const [choice, setChoice] = useState<LeakPolicy | null>(null);
  const [saved, setSaved] = useState<LeakPolicy | null>(null);
  const setPolicy = trpc.orgs.setLeakedKeyPolicy.useMutation({
    onSuccess: async (_res, vars) => {
      setSaved(vars.policy);
      await Promise.all([utils.orgs.current.invalidate(), utils.audit.list.invalidate()]);
    },
  });
  const policy = choice ?? current.data?.leakedKeyPolicy ?? 'revoke';
  return (
    <Section title="Leaked keys" description="What happens when a secret scanner reports one of this organization's keys as leaked. Only owners see this.">
      {current.isPending ? (
        <LoadingState />
      ) : current.isError ? (
        <ErrorState error={current.error} onRetry={() => void current.refetch()} />
      ) : (
        <form
          className="invite-form"
          onSubmit={(e) => {
            e.preventDefault();
            setSaved(null);
            setPolicy.mutate({ policy });
          }}
          aria-label="Leaked-key policy"
        >
          <SelectField
            label="When a key leaks"
            value={policy}
            onChange={(e) => {
              setSaved(null);
              setChoice(e.target.value as LeakPolicy);
            }}
          >
            {LEAK_POLICIES.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
          </SelectField>
          <Button type="submit" variant="primary" loading={setPolicy.isPending} disabled={policy === current.data.leakedKeyPolicy}>
            Save policy
          </Button>
        </form>
      )}
      {saved ? <Callout tone="success">Leaked keys are now {saved === 'flag' ? 'only flagged' : 'revoked'}.</Callout> : null}
      {setPolicy.isError ? <Callout tone="danger">{errorMessage(setPolicy.error)}</Callout> : null}
    </Section>
  );
}

/** Invitations into other organizations for the signed-in user's email; shown only when there are some. */
function YourInvitationsSection() {
  const queryClient = useQueryClient();
  const mine = trpc.orgs.myInvitations.useQuery();
  const accept = trpc.orgs.acceptInvitation.useMutation({
    onSuccess: async () => {
      navigate('/');
      await queryClient.resetQueries();
    },
  });
  if (mine.isPending || (mine.isSuccess && mine.data.length === 0)) return null;
  return (
    <Section title="Invitations for you" description="Organizations that invited your email address. Accepting switches you to that organization.">
      {mine.isError ? (
        <ErrorState title="Could not load your invitations" error={mine.error} onRetry={() => void mine.refetch()} />
      ) : (
        <Table
          caption="Invitations for you"
          rows={mine.data}
          rowKey={(i) => i.id}
          columns={[
            { key: 'org', header: 'Organization', className: 'cell--lead', render: (i) => <span className="cell-title">{i.organizationName}</span> },
            { key: 'role', header: 'Role', render: (i) => <Badge>{i.role}</Badge> },
            { key: 'expires', header: 'Expires', render: (i) => relativeTime(i.expiresAt, Date.now()) },
            {
              key: 'actions',
              header: 'Actions',
              align: 'end',
              render: (i) => (
                <Button
                  size="sm"
                  variant="primary"
                  loading={accept.isPending && accept.variables?.invitationId === i.id}
                  disabled={accept.isPending}
                  aria-label={`Accept invitation to ${i.organizationName}`}
                  onClick={() => accept.mutate({ invitationId: i.id })}
                >
                  Accept
                </Button>
              ),
            },
          ]}
        />
      )}
      {accept.isError ? <Callout tone="danger">{errorMessage(accept.error)}</Callout> : null}
    </Section>
  );
}
