import { LookupEventsCommand, type Event, type LookupAttributeKey } from '@aws-sdk/client-cloudtrail';
import { useState, type FormEvent } from 'react';
import type { Clients } from '../aws';
import { DataTable } from '../components/data-table';
import { Dialog } from '../components/dialog';
import { ErrorBox } from '../components/error-box';
import { BusyButton, Field } from '../components/form';
import { prettyJson } from '../components/json-editor';
import { PageHeader } from '../components/page';
import { AsyncView } from '../components/status';
import { useAction, useAsync } from '../hooks';
import { when } from '../paging';
import type { PageProps } from '../routes';

const ATTRIBUTES: LookupAttributeKey[] = ['EventName', 'Username', 'EventSource', 'ResourceName', 'ResourceType', 'ReadOnly', 'AccessKeyId', 'EventId'];
const RANGES = [
  { id: '1h', label: 'Last hour', seconds: 3600 },
  { id: '24h', label: 'Last 24 hours', seconds: 86400 },
  { id: '7d', label: 'Last 7 days', seconds: 7 * 86400 },
  { id: '90d', label: 'Last 90 days', seconds: 90 * 86400 },
  { id: 'custom', label: 'Custom range', seconds: 0 },
];

/** The filter form as typed. */
interface Draft { attribute: LookupAttributeKey | ''; value: string; range: string; start: string; end: string }

/** A lookup with its time range fixed: pages after the first must repeat the same parameters. */
export interface Query { attribute: LookupAttributeKey | ''; value: string; StartTime?: Date; EndTime?: Date }

/** Fixes a draft's relative range ("last 24 hours") to times, now. */
export function fixRange(draft: Draft): Query {
  if (draft.range === 'custom') {
    return { attribute: draft.attribute, value: draft.value, StartTime: draft.start ? new Date(draft.start) : undefined, EndTime: draft.end ? new Date(draft.end) : undefined };
  }
  const seconds = RANGES.find((r) => r.id === draft.range)?.seconds ?? 86400;
  return { attribute: draft.attribute, value: draft.value, StartTime: new Date(Date.now() - seconds * 1000), EndTime: new Date() };
}

/** The error code a recorded call failed with, from the event's JSON. */
export function eventError(e: Event): string | undefined {
  try {
    return (JSON.parse(e.CloudTrailEvent ?? '{}') as { errorCode?: string }).errorCode;
  } catch {
    return undefined;
  }
}

/** Loads one page of events for a query. */
export async function lookup(clients: Clients, q: Query, NextToken?: string, MaxResults = 50) {
  const LookupAttributes = q.attribute && q.value.trim() ? [{ AttributeKey: q.attribute, AttributeValue: q.value.trim() }] : undefined;
  return clients.cloudtrail.send(new LookupEventsCommand({ LookupAttributes, StartTime: q.StartTime, EndTime: q.EndTime, MaxResults, NextToken }));
}

/** Event history: LookupEvents with one attribute filter and a time range; each event's JSON. */
export function TrailPage({ clients }: PageProps) {
  const [draft, setDraft] = useState<Draft>({ attribute: '', value: '', range: '24h', start: '', end: '' });
  const [query, setQuery] = useState(() => fixRange(draft));
  const [events, setEvents] = useState<Event[]>([]);
  const [next, setNext] = useState<string>();
  const state = useAsync(async () => {
    const r = await lookup(clients, query);
    setEvents(r.Events ?? []);
    setNext(r.NextToken);
    return true;
  }, [clients, query]);
  const more = useAction();
  const [shown, setShown] = useState<Event>();
  const submit = (e: FormEvent) => { e.preventDefault(); setQuery(fixRange(draft)); };

  return (
    <>
      <PageHeader title="Event history" sub="Management and data events Coffer recorded, newest first (CloudTrail LookupEvents)." />
      <form className="card filters" onSubmit={submit} aria-label="Event filters">
        <Field label="Attribute">
          {(id) => (
            <select id={id} value={draft.attribute} onChange={(e) => setDraft({ ...draft, attribute: e.target.value as Draft['attribute'] })}>
              <option value="">Any event</option>
              {ATTRIBUTES.map((a) => <option key={a}>{a}</option>)}
            </select>
          )}
        </Field>
        <Field label="Value">{(id) => <input id={id} value={draft.value} disabled={!draft.attribute} onChange={(e) => setDraft({ ...draft, value: e.target.value })} placeholder={draft.attribute === 'ReadOnly' ? 'true or false' : ''} />}</Field>
        <Field label="Time range">
          {(id) => (
            <select id={id} value={draft.range} onChange={(e) => setDraft({ ...draft, range: e.target.value })}>
              {RANGES.map((r) => <option key={r.id} value={r.id}>{r.label}</option>)}
            </select>
          )}
        </Field>
        {draft.range === 'custom' && (
          <>
            <Field label="From">{(id) => <input id={id} type="datetime-local" value={draft.start} onChange={(e) => setDraft({ ...draft, start: e.target.value })} />}</Field>
            <Field label="To">{(id) => <input id={id} type="datetime-local" value={draft.end} onChange={(e) => setDraft({ ...draft, end: e.target.value })} />}</Field>
          </>
        )}
        <BusyButton type="submit" busy={state.loading}>Look up events</BusyButton>
      </form>
      <div className="card">
        <AsyncView state={state} label="Looking up events…">
          {() => (
            <>
              <DataTable caption="Events" rows={events} rowKey={(e) => e.EventId!} empty="No events match."
                columns={[
                  { header: 'Time', cell: (e) => when(e.EventTime) },
                  { header: 'Event', cell: (e) => <button type="button" className="link" onClick={() => setShown(e)}>{e.EventName}</button> },
                  { header: 'User', cell: (e) => e.Username },
                  { header: 'Source', cell: (e) => e.EventSource },
                  { header: 'Resources', className: 'wrap', cell: (e) => (e.Resources ?? []).map((r) => r.ResourceName).join(', ') },
                  { header: 'Error', cell: (e) => { const code = eventError(e); return code ? <span className="error-text">{code}</span> : null; } },
                ]} />
              {next && <BusyButton className="" busy={more.busy} onClick={() => more.run(async () => {
                const r = await lookup(clients, query, next);
                setEvents((es) => [...es, ...(r.Events ?? [])]);
                setNext(r.NextToken);
              })}>Load more</BusyButton>}
              <ErrorBox error={more.error} onDismiss={more.clear} />
            </>
          )}
        </AsyncView>
      </div>
      <Dialog open={!!shown} title={shown?.EventName ?? 'Event'} onClose={() => setShown(undefined)} wide>
        {shown && <pre className="code-block" tabIndex={0} aria-label="Event JSON">{prettyJson(shown.CloudTrailEvent ?? '{}')}</pre>}
      </Dialog>
    </>
  );
}
