import type { ReactNode } from 'react';

export interface Column<T> {
  key: string;
  header: ReactNode;
  render: (row: T) => ReactNode;
  /** Right-aligns numbers; hides a column on narrow screens. */
  align?: 'start' | 'end';
  className?: string;
}

/**
 * A data table. On narrow screens each row becomes a card whose cells carry their column
 * name, so nothing scrolls sideways.
 */
export function Table<T>({
  columns,
  rows,
  rowKey,
  caption,
  footer,
}: {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  caption: string;
  footer?: ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" className={[c.align === 'end' ? 'is-end' : '', c.className ?? ''].join(' ').trim() || undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) => (
                <td
                  key={c.key}
                  data-label={typeof c.header === 'string' ? c.header : undefined}
                  className={[c.align === 'end' ? 'is-end' : '', c.className ?? ''].join(' ').trim() || undefined}
                >
                  <div className="cell">{c.render(row)}</div>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {footer ? <div className="table-footer">{footer}</div> : null}
    </div>
  );
}
