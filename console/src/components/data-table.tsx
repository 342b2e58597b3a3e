import type { ReactNode } from 'react';

export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
  /** `num` right-aligns; `wrap` lets long ids break. */
  className?: string;
}

/**
 * A plain table; at phone width each row becomes a card whose cells carry their column's name
 * (data-label), so nothing scrolls sideways.
 */
export function DataTable<T>({ columns, rows, rowKey, empty, caption }: {
  columns: Column<T>[]; rows: T[]; rowKey: (row: T) => string; empty: ReactNode; caption?: string;
}) {
  if (rows.length === 0) return <p className="empty">{empty}</p>;
  return (
    <div className="table-wrap">
      <table className="data-table">
        {caption && <caption className="visually-hidden">{caption}</caption>}
        <thead>
          <tr>{columns.map((c) => <th key={c.header} scope="col" className={c.className}>{c.header}</th>)}</tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) => <td key={c.header} data-label={c.header} className={c.className}>{c.cell(row)}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
