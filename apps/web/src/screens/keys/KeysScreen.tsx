import { keepPreviousData } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { type Key, type KeyStatus, trpc } from '../../api';
import { useTitle } from '../../lib/title';
import { formatDateTime, relativeTime, useNow } from '../../lib/time';
import { Link } from '../../lib/router';
import { useSession } from '../../session';
import { Button } from '../../ui/Button';
import { SelectField, TextField } from '../../ui/Field';
import { PageHeader } from '../../ui/misc';
import { type Column, Table } from '../../ui/Table';
import { EmptyState, ErrorState, LoadingState } from '../../ui/States';
import { CreateKeyDialog } from './CreateKeyDialog';
import { AccessBadges, Expires, KeyStart, keyName, LastUsed, Remaining, STATUS_OPTIONS, StatusBadge } from './key-bits';

export const PAGE_SIZE = 50;

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** Home: the active organization's keys, searchable and filterable, a page at a time. */
export function KeysScreen() {
  const { org } = useSession();
  useTitle('API keys');
  const [creating, setCreating] = useState(false);
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<KeyStatus | ''>('');
  const query = useDebounced(search.trim(), 250);
  const [refreshing, setRefreshing] = useState(false);
  const now = useNow();

  const keys = trpc.keys.list.useInfiniteQuery(
    { limit: PAGE_SIZE, ...(query ? { search: query } : {}), ...(status ? { status } : {}) },
    {
      getNextPageParam: (last) => last.nextCursor ?? undefined,
      // While a new filter loads, the old rows stay (dimmed) instead of a flash of "loading".
      placeholderData: keepPreviousData,
      refetchInterval: 30_000,
    },
  );
  const rows = keys.data?.pages.flatMap((p) => p.keys) ?? [];
  const filtered = Boolean(query || status);

  return (
    <>
      <PageHeader
        title="API keys"
        description={
          org.role === 'member'
            ? `Keys you own in ${org.name || 'this organization'}.`
            : `Every key in ${org.name || 'this organization'}.`
        }
        actions={
          <Button variant="primary" onClick={() => setCreating(true)}>
            Create key
          </Button>
        }
      />
      <search className="toolbar" aria-label="Filter keys">
        <TextField
          label="Search"
          type="search"
          placeholder="Name or start, e.g. kw_3fA"
          value={search}
          maxLength={200}
          onChange={(e) => setSearch(e.target.value)}
        />
        <SelectField label="Status" value={status} onChange={(e) => setStatus(e.target.value as KeyStatus | '')}>
          <option value="">All statuses</option>
          {STATUS_OPTIONS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </SelectField>
        <div className="toolbar__end">
          <Button
            loading={refreshing}
            onClick={() => {
              setRefreshing(true);
              void keys.refetch().finally(() => setRefreshing(false));
            }}
          >
            Refresh
          </Button>
        </div>
      </search>

      {keys.isPending ? (
        <div className="panel">
          <LoadingState label="Loading keys…" />
        </div>
      ) : keys.isError && rows.length === 0 ? (
        <div className="panel">
          <ErrorState title="Could not load keys" error={keys.error} onRetry={() => void keys.refetch()} />
        </div>
      ) : rows.length === 0 ? (
        <div className="panel">
          {filtered ? (
            <EmptyState
              title="No keys match"
              action={
                <Button
                  onClick={() => {
                    setSearch('');
                    setStatus('');
                  }}
                >
                  Clear filters
                </Button>
              }
            >
              Nothing matches {query ? <strong>“{query}”</strong> : null}
              {query && status ? ' with ' : null}
              {status ? <>status {status}</> : null}.
            </EmptyState>
          ) : (
            <EmptyState
              title="No keys yet"
              action={
                <Button variant="primary" onClick={() => setCreating(true)}>
                  Create your first key
                </Button>
              }
            >
              A key lets a program call your API. You see its secret once, when you create it.
            </EmptyState>
          )}
        </div>
      ) : (
        <KeyTable
          busy={keys.isPlaceholderData}
          rows={rows}
          now={now}
          footer={
            <>
              <span>
                {rows.length.toLocaleString()} {rows.length === 1 ? 'key' : 'keys'}
                {keys.hasNextPage ? ' shown' : ''}
              </span>
              {keys.hasNextPage ? (
                <Button onClick={() => void keys.fetchNextPage()} loading={keys.isFetchingNextPage}>
                  Load more
                </Button>
              ) : null}
              {keys.isFetchNextPageError ? (
                <span className="field__error" role="alert">
                  Could not load more keys. Try again.
                </span>
              ) : null}
            </>
          }
        />
      )}
      {creating ? <CreateKeyDialog onClose={() => setCreating(false)} /> : null}
    </>
  );
}

export function KeyTable({ rows, now, footer, busy = false }: { rows: Key[]; now: number; footer?: React.ReactNode; busy?: boolean }) {
  const columns: Column<Key>[] = [
    {
      key: 'name',
      header: 'Name',
      className: 'cell--lead',
      render: (k) => (
        <>
          <Link href={`/keys/${encodeURIComponent(k.id)}`} className="cell-title">
            {keyName(k)}
          </Link>
          {k.description ? <span className="cell-sub clamp">{k.description}</span> : null}
        </>
      ),
    },
    { key: 'start', header: 'Key', render: (k) => <KeyStart start={k.start} /> },
    { key: 'access', header: 'Access', render: (k) => <AccessBadges k={k} max={3} /> },
    { key: 'status', header: 'Status', render: (k) => <StatusBadge status={k.status} /> },
    {
      key: 'created',
      header: 'Created',
      render: (k) => <CreatedAt at={k.createdAt} now={now} />,
    },
    { key: 'lastUsed', header: 'Last used', render: (k) => <LastUsed k={k} now={now} /> },
    { key: 'expires', header: 'Expires', render: (k) => <Expires at={k.expiresAt} now={now} /> },
    { key: 'remaining', header: 'Remaining', align: 'end', render: (k) => <Remaining k={k} /> },
  ];
  return (
    <div className={busy ? 'is-busy' : undefined} aria-busy={busy || undefined}>
      <Table caption="API keys" columns={columns} rows={rows} rowKey={(k) => k.id} footer={footer} />
    </div>
  );
}

function CreatedAt({ at, now }: { at: string; now: number }) {
  return (
    <span className="nowrap" title={formatDateTime(at)}>
      {relativeTime(at, now, { past: true })}
    </span>
  );
}
