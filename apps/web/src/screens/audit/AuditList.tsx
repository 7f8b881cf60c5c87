import type { ReactNode } from 'react';
import { type AuditEntry, type Member, trpc } from '../../api';
import { Link } from '../../lib/router';
import { formatDateTime, formatDuration, relativeTime, useNow } from '../../lib/time';
import { Badge } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { Tooltip } from '../../ui/misc';
import { type Column, Table } from '../../ui/Table';
import { EmptyState, ErrorState, LoadingState } from '../../ui/States';

export const ACTIONS: Record<string, string> = {
  'key.create': 'Created key',
  'key.update': 'Updated key',
  'key.revoke': 'Revoked key',
  'key.reroll': 'Rolled key',
  'key.delete': 'Deleted key',
  'user.signup': 'Signed up',
  'user.login': 'Signed in',
  'member.invite': 'Invited member',
  'member.join': 'Joined',
  'member.role': 'Changed role',
  'member.remove': 'Removed member',
  'org.create': 'Created organization',
  'org.plan': 'Changed plan',
};

export interface AuditFilter {
  actorId?: string;
  action?: string;
  keyId?: string;
}

const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : null);

/** What happened, in a few words, from the entry's metadata. */
function details(e: AuditEntry): ReactNode {
  const m = (e.metadata ?? {}) as Record<string, unknown>;
  switch (e.action) {
    case 'key.create':
      return (
        <>
          {str(m.name) ? <>“{str(m.name)}” </> : null}
          {str(m.start) ? <code className="code-inline">{str(m.start)}…</code> : null}
          {str(m.source) && m.source !== 'dashboard' ? <span className="muted"> via {str(m.source)}</span> : null}
        </>
      );
    case 'key.update':
      return Array.isArray(m.fields) && m.fields.length ? <>Changed {m.fields.map(String).join(', ')}</> : null;
    case 'key.reroll':
      return (
        <>
          New key{' '}
          {str(m.newKeyId) ? <Link href={`/keys/${encodeURIComponent(String(m.newKeyId))}`}>{str(m.start) ? `${str(m.start)}…` : str(m.newKeyId)}</Link> : null}
          {typeof m.graceMs === 'number' ? <span className="muted"> · old key {m.graceMs === 0 ? 'revoked at once' : `valid ${formatDuration(m.graceMs)} more`}</span> : null}
        </>
      );
    case 'key.delete':
      return str(m.name) ? <>“{str(m.name)}”</> : null;
    case 'member.invite':
      return (
        <>
          {str(m.email)} as {str(m.role)}
        </>
      );
    case 'member.role':
    case 'org.plan':
      return (
        <>
          {str(m.from)} → {str(m.to)}
        </>
      );
    case 'org.create':
      return str(m.name);
    case 'user.signup':
      return str(m.email);
    default:
      return null;
  }
}

function actorLabel(e: AuditEntry, members: Map<string, Member>): ReactNode {
  if (e.actorType === 'key') return <>API key {e.actorId ? <Link href={`/keys/${encodeURIComponent(e.actorId)}`}>{e.actorId}</Link> : null}</>;
  if (e.actorType === 'system' || !e.actorId) return <span className="muted">System</span>;
  const m = members.get(e.actorId);
  return m ? (
    <>
      <span className="cell-title">{m.name}</span>
      <span className="cell-sub">{m.email}</span>
    </>
  ) : (
    <span className="mono">{e.actorId}</span>
  );
}

/** Audit entries for a filter, newest first, a page at a time. */
export function AuditList({ filter, showKey = true, caption = 'Audit log', pageSize = 50 }: { filter: AuditFilter; showKey?: boolean; caption?: string; pageSize?: number }) {
  const now = useNow();
  const members = trpc.orgs.members.useQuery(undefined, { staleTime: 60_000 });
  const byId = new Map((members.data ?? []).map((m) => [m.userId, m]));
  const audit = trpc.audit.list.useInfiniteQuery(
    {
      limit: pageSize,
      ...(filter.actorId ? { actorId: filter.actorId } : {}),
      ...(filter.action ? { action: filter.action } : {}),
      ...(filter.keyId ? { keyId: filter.keyId } : {}),
    },
    { getNextPageParam: (last) => last.nextCursor ?? undefined },
  );
  if (audit.isPending) return <LoadingState label="Loading audit log…" />;
  if (audit.isError) return <ErrorState title="Could not load the audit log" error={audit.error} onRetry={() => void audit.refetch()} />;
  const rows = audit.data.pages.flatMap((p) => p.items);
  if (rows.length === 0) {
    const filtered = Boolean(filter.actorId || filter.action || (filter.keyId && showKey));
    return <EmptyState title={filtered ? 'No entries match' : 'Nothing recorded yet'}>{filtered ? 'Try fewer filters.' : 'Changes to keys, members and plans appear here.'}</EmptyState>;
  }

  const columns: Column<AuditEntry>[] = [
    {
      key: 'when',
      header: 'When',
      className: 'cell--lead',
      render: (e) => (
        <span className="nowrap" title={formatDateTime(e.createdAt)}>
          {relativeTime(e.createdAt, now, { past: true })}
        </span>
      ),
    },
    { key: 'actor', header: 'Actor', render: (e) => actorLabel(e, byId) },
    {
      key: 'action',
      header: 'Action',
      render: (e) => (
        <span className="stack-xs">
          <span>{ACTIONS[e.action] ?? e.action}</span>
          <Badge mono>{e.action}</Badge>
        </span>
      ),
    },
    ...(showKey
      ? [
          {
            key: 'key',
            header: 'Key',
            render: (e: AuditEntry) => (e.keyId ? <Link href={`/keys/${encodeURIComponent(e.keyId)}`} className="mono">{e.keyId}</Link> : <span className="muted">—</span>),
          },
        ]
      : []),
    { key: 'details', header: 'Details', render: (e) => details(e) ?? <span className="muted">—</span> },
    {
      key: 'client',
      header: 'From',
      render: (e) =>
        e.ip || e.userAgent ? (
          <Tooltip content={<>User agent: {e.userAgent ?? 'unknown'}</>}>
            <span className="mono">{e.ip ?? 'unknown IP'}</span>
          </Tooltip>
        ) : (
          <span className="muted">—</span>
        ),
    },
  ];

  return (
    <Table
      caption={caption}
      columns={columns}
      rows={rows}
      rowKey={(e) => e.id}
      footer={
        <>
          <span>
            {rows.length.toLocaleString()} {rows.length === 1 ? 'entry' : 'entries'}
          </span>
          {audit.hasNextPage ? (
            <Button onClick={() => void audit.fetchNextPage()} loading={audit.isFetchingNextPage}>
              Load more
            </Button>
          ) : null}
        </>
      }
    />
  );
}
