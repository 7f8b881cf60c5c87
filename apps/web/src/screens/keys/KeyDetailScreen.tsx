import { useState } from 'react';
import { type Key, trpc } from '../../api';
import { errorMessage } from '../../lib/errors';
import { Link, navigate } from '../../lib/router';
import { useTitle } from '../../lib/title';
import { formatDateTime, relativeTime, useNow } from '../../lib/time';
import { Badge } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { DetailList, Muted, PageHeader, Section } from '../../ui/misc';
import { Callout, EmptyState, ErrorState, LoadingState } from '../../ui/States';
import { AuditList } from '../audit/AuditList';
import { DeleteKeyDialog, EditKeyDialog, RevokeKeyDialog, RollKeyDialog } from './KeyDialogs';
import { Expires, KeyStart, keyName, LastUsed, rateLimitText, StatusBadge } from './key-bits';
import { UsageChart } from './UsageChart';
import { TRPCClientError } from '@trpc/client';

type Open = 'edit' | 'roll' | 'revoke' | 'delete' | null;

const when = (at: string | null, now: number, past = true) =>
  at ? (
    <span title={formatDateTime(at)}>
      {formatDateTime(at)} <Muted>({relativeTime(at, now, { past })})</Muted>
    </span>
  ) : (
    <Muted>—</Muted>
  );

const list = (items: string[], empty = 'None') =>
  items.length ? (
    <span className="badge-list">
      {items.map((i) => (
        <Badge key={i} mono>
          {i}
        </Badge>
      ))}
    </span>
  ) : (
    <Muted>{empty}</Muted>
  );

/** Everything about one key, and what can be done to it. */
export function KeyDetailScreen({ id }: { id: string }) {
  const now = useNow();
  const q = trpc.keys.get.useQuery({ id }, { refetchInterval: 30_000 });
  const [open, setOpen] = useState<Open>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const utils = trpc.useUtils();
  const toggle = trpc.keys.update.useMutation({
    onSuccess: async (k) => {
      await Promise.all([utils.keys.get.invalidate({ id }), utils.keys.list.invalidate(), utils.audit.list.invalidate()]);
      setNotice(k.enabled ? 'Key enabled.' : 'Key disabled. Requests with it are refused until you enable it again.');
    },
  });
  useTitle(q.data ? keyName(q.data) : 'Key');

  const back = (
    <Link href="/" className="back-link">
      ← API keys
    </Link>
  );

  if (q.isPending) return <LoadingState label="Loading key…" />;
  if (q.isError) {
    const missing = q.error instanceof TRPCClientError && q.error.data?.code === 'NOT_FOUND';
    return (
      <>
        <PageHeader eyebrow={back} title={missing ? 'Key not found' : 'Key'} />
        {missing ? (
          <EmptyState title="This key does not exist" action={<Link href="/">Back to API keys</Link>}>
            It may have been deleted, or it belongs to an organization you are not signed in to.
          </EmptyState>
        ) : (
          <ErrorState title="Could not load this key" error={q.error} onRetry={() => void q.refetch()} />
        )}
      </>
    );
  }

  const k: Key = q.data;
  const revoked = k.status === 'revoked';
  const close = () => setOpen(null);

  return (
    <>
      <PageHeader
        eyebrow={back}
        title={
          <span className="title-with-badge">
            {keyName(k)} <StatusBadge status={k.status} />
          </span>
        }
        description={
          <>
            <KeyStart start={k.start} /> · created {relativeTime(k.createdAt, now, { past: true })}
            {k.description ? <span className="page-header__more">{k.description}</span> : null}
          </>
        }
        actions={
          revoked ? (
            <Button variant="danger" onClick={() => setOpen('delete')}>
              Delete permanently
            </Button>
          ) : (
            <>
              <Button onClick={() => setOpen('edit')}>Edit</Button>
              <Button onClick={() => toggle.mutate({ id: k.id, enabled: !k.enabled })} loading={toggle.isPending}>
                {k.enabled ? 'Disable' : 'Enable'}
              </Button>
              <Button onClick={() => setOpen('roll')}>Roll key</Button>
              <Button variant="danger" onClick={() => setOpen('revoke')}>
                Revoke
              </Button>
            </>
          )
        }
      />

      <div className="live-region" role="status" aria-live="polite">
        {revoked ? (
          <Callout tone="danger" title="This key is revoked">
            It was revoked {k.revokedAt ? relativeTime(k.revokedAt, now, { past: true }) : ''} and is refused on every request.
          </Callout>
        ) : notice ? (
          <Callout tone="success">{notice}</Callout>
        ) : null}
      </div>
      {toggle.isError ? <Callout tone="danger" title="Nothing changed">{errorMessage(toggle.error)}</Callout> : null}

      <Section title="Usage" description="Verifications of this key, by outcome.">
        <UsageChart keyId={k.id} />
      </Section>

      <Section title="Details">
        <DetailList
          items={[
            { label: 'ID', value: <span className="mono">{k.id}</span> },
            { label: 'Start', value: <KeyStart start={k.start} /> },
            { label: 'Status', value: <StatusBadge status={k.status} /> },
            { label: 'Enabled', value: k.enabled ? 'Yes' : 'No' },
            { label: 'Description', value: k.description || <Muted>—</Muted> },
            { label: 'Source', value: k.source },
            { label: 'API', value: <span className="mono">{k.apiId}</span> },
            { label: 'Environment', value: k.environment || <Muted>—</Muted> },
            { label: 'Belongs to', value: k.serviceAccountId ? <>Service account <span className="mono">{k.serviceAccountId}</span></> : k.userId ? <span className="mono">{k.userId}</span> : <Muted>—</Muted> },
            { label: 'Created by', value: k.createdBy ? <span className="mono">{k.createdBy}</span> : <Muted>—</Muted> },
            { label: 'Owner ID', value: k.ownerId || <Muted>—</Muted> },
            { label: 'External ID', value: k.externalId || <Muted>—</Muted> },
            { label: 'Created', value: when(k.createdAt, now) },
            { label: 'Updated', value: when(k.updatedAt, now) },
            { label: 'Last used', value: <LastUsed k={k} now={now} /> },
            { label: 'Last used from', value: k.lastUsedIp ? <span className="mono">{k.lastUsedIp}</span> : <Muted>—</Muted> },
            { label: 'Last user agent', value: k.lastUsedUserAgent || <Muted>—</Muted> },
            { label: 'Expires', value: k.expiresAt ? when(k.expiresAt, now, false) : <Expires at={null} now={now} /> },
            { label: 'Revoked', value: when(k.revokedAt, now) },
            { label: 'Rolled from', value: k.rotatedFromId ? <Link href={`/keys/${encodeURIComponent(k.rotatedFromId)}`} className="mono">{k.rotatedFromId}</Link> : <Muted>—</Muted> },
            { label: 'Recoverable', value: k.recoverable ? 'Yes' : 'No' },
            { label: 'Key length', value: `${k.byteLength} random bytes` },
          ]}
        />
      </Section>

      <Section title="Access and limits">
        <DetailList
          items={[
            { label: 'Scopes', value: list(k.scopes) },
            { label: 'Permissions', value: list(k.permissions) },
            { label: 'Roles', value: list(k.roles) },
            { label: 'Rate limit', value: `${rateLimitText(k.ratelimit)}${k.ratelimit.inherited ? '' : ` · ${k.ratelimit.type}`}` },
            { label: 'Remaining uses', value: k.remaining === null ? 'Unlimited' : k.remaining.toLocaleString() },
            {
              label: 'Refill',
              value: k.refillInterval ? (
                <>
                  To {k.refillAmount?.toLocaleString()} {k.refillInterval}
                  {k.refillInterval === 'monthly' && k.refillDay ? ` on day ${k.refillDay}` : ''}
                  {k.lastRefillAt ? <Muted> · last {relativeTime(k.lastRefillAt, now)}</Muted> : null}
                </>
              ) : (
                <Muted>Never</Muted>
              ),
            },
            {
              label: 'Metadata',
              value: k.meta && Object.keys(k.meta).length ? <pre className="code-block">{JSON.stringify(k.meta, null, 2)}</pre> : <Muted>—</Muted>,
            },
          ]}
        />
      </Section>

      <Section title="Audit trail" description="Everything done to this key." actions={<Link href={`/audit?key=${encodeURIComponent(k.id)}`}>Open in audit log</Link>}>
        <AuditList filter={{ keyId: k.id }} showKey={false} caption={`Audit trail of ${keyName(k)}`} pageSize={20} />
      </Section>

      {open === 'edit' ? (
        <EditKeyDialog
          k={k}
          onClose={close}
          onSaved={() => {
            close();
            setNotice('Changes saved.');
          }}
        />
      ) : null}
      {open === 'roll' ? (
        <RollKeyDialog
          k={k}
          onClose={close}
          onRolled={(nk) => {
            close();
            navigate(`/keys/${encodeURIComponent(nk.id)}`);
          }}
        />
      ) : null}
      {open === 'revoke' ? (
        <RevokeKeyDialog
          k={k}
          onClose={close}
          onRevoked={() => {
            close();
            setNotice(null);
          }}
        />
      ) : null}
      {open === 'delete' ? (
        <DeleteKeyDialog
          k={k}
          onClose={close}
          onDeleted={() => {
            close();
            navigate('/', { replace: true });
          }}
        />
      ) : null}
    </>
  );
}
