import type { UseQueryResult } from '@tanstack/react-query';
import type { ComponentProps, ReactNode } from 'react';
import { EmptyState, ErrorState, LoadingState } from '../../ui/States';
import { type Column, Table } from '../../ui/Table';
import { CreateForm } from './parts';

/**
 * One settings catalogue: its create form, then its rows as a table behind loading, error and
 * empty states. The form and the Actions column are only for those who may `manage` it.
 */
export function CatalogList<D, T extends { id: string }>({
  noun,
  manage,
  query,
  rows,
  columns,
  emptyTitle,
  emptyHint,
  footer,
  create,
  actions,
}: {
  /** Plural, as it reads mid-sentence ("service accounts", "APIs"); the table's caption capitalises it. */
  noun: string;
  manage: boolean;
  query: UseQueryResult<D, unknown>;
  rows: (data: D) => T[];
  columns: Column<T>[];
  emptyTitle: string;
  emptyHint?: ReactNode;
  footer?: (data: D) => ReactNode;
  create: ComponentProps<typeof CreateForm>;
  /** Fills an Actions column at the end of each row; without it there is none. */
  actions?: (row: T) => ReactNode;
}) {
  const caption = noun.charAt(0).toUpperCase() + noun.slice(1);
  return (
    <>
      {manage ? <CreateForm {...create} /> : null}
      {query.isPending ? (
        <LoadingState label={`Loading ${noun}…`} />
      ) : query.isError ? (
        <ErrorState title={`Could not load ${noun}`} error={query.error} onRetry={() => void query.refetch()} />
      ) : rows(query.data).length === 0 ? (
        <EmptyState title={emptyTitle}>{emptyHint}</EmptyState>
      ) : (
        <Table<T>
          caption={caption}
          rows={rows(query.data)}
          rowKey={(r) => r.id}
          columns={manage && actions ? [...columns, { key: 'actions', header: 'Actions', align: 'end', render: actions }] : columns}
          footer={footer?.(query.data)}
        />
      )}
    </>
  );
}
