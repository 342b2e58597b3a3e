import type { ReactNode } from 'react';
import { Link } from '../router';

export interface Crumb { label: string; to?: string }

/** A page's heading: breadcrumbs, title, and the page's main actions. */
export function PageHeader({ title, crumbs = [], actions, sub }: { title: ReactNode; crumbs?: Crumb[]; actions?: ReactNode; sub?: ReactNode }) {
  return (
    <header className="page-header">
      {crumbs.length > 0 && (
        <nav aria-label="Breadcrumb" className="crumbs">
          {crumbs.map((c, i) => (
            <span key={i}>{c.to ? <Link to={c.to}>{c.label}</Link> : c.label}<span aria-hidden="true"> / </span></span>
          ))}
        </nav>
      )}
      <div className="page-title">
        <div>
          <h1>{title}</h1>
          {sub && <p className="sub">{sub}</p>}
        </div>
        {actions && <div className="actions">{actions}</div>}
      </div>
    </header>
  );
}

/** A titled block of a page. */
export function Section({ title, actions, children, id }: { title: string; actions?: ReactNode; children: ReactNode; id?: string }) {
  return (
    <section className="card" aria-labelledby={id}>
      <div className="card-header">
        <h2 id={id}>{title}</h2>
        {actions && <div className="actions">{actions}</div>}
      </div>
      {children}
    </section>
  );
}

const blank = (value: ReactNode) => value === undefined || value === null || value === '' || value === false;

/** Label/value pairs of a resource's details; `hideEmpty` leaves out the pairs without a value. */
export function Details({ items, hideEmpty }: { items: [string, ReactNode][]; hideEmpty?: boolean }) {
  return (
    <dl className="details">
      {items.filter(([, value]) => !hideEmpty || !blank(value)).map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{blank(value) ? <span className="muted">—</span> : value}</dd>
        </div>
      ))}
    </dl>
  );
}
