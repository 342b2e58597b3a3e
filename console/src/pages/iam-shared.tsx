import {
  AttachGroupPolicyCommand, AttachRolePolicyCommand, AttachUserPolicyCommand, DeleteGroupPolicyCommand, DeleteRolePolicyCommand, DeleteUserPolicyCommand,
  DetachGroupPolicyCommand, DetachRolePolicyCommand, DetachUserPolicyCommand, GetGroupPolicyCommand, GetRolePolicyCommand, GetUserPolicyCommand,
  ListAttachedGroupPoliciesCommand, ListAttachedRolePoliciesCommand, ListAttachedUserPoliciesCommand, ListGroupPoliciesCommand, ListPoliciesCommand,
  ListRolePoliciesCommand, ListUserPoliciesCommand, PutGroupPolicyCommand, PutRolePolicyCommand, PutUserPolicyCommand, type AttachedPolicy, type IAMClient,
} from '@aws-sdk/client-iam';
import { useState } from 'react';
import { DataTable } from '../components/data-table';
import { ErrorBox } from '../components/error-box';
import { BusyButton, Field } from '../components/form';
import { JsonEditor } from '../components/json-editor';
import { Section } from '../components/page';
import { AsyncView } from '../components/status';
import { useAction, useAsync } from '../hooks';
import { collect } from '../paging';
import { Link, seg } from '../router';

export type Principal = 'user' | 'group' | 'role';

/** IAM returns policy documents URL-encoded (RFC 3986); the SDK hands them over as they came. */
export function decodePolicy(doc?: string): string {
  if (!doc) return '';
  try {
    return decodeURIComponent(doc);
  } catch {
    return doc;
  }
}

export const EXAMPLE_POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:ListAllMyBuckets'], Resource: '*' }] });

/** The managed policies attached to a user, group or role: attach (from the account's list) and detach. */
export function AttachedPolicies({ iam, kind, name }: { iam: IAMClient; kind: Principal; name: string }) {
  const state = useAsync(async () => {
    if (kind === 'user') return (await iam.send(new ListAttachedUserPoliciesCommand({ UserName: name }))).AttachedPolicies ?? [];
    if (kind === 'group') return (await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: name }))).AttachedPolicies ?? [];
    return (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name }))).AttachedPolicies ?? [];
  }, [iam, kind, name]);
  const choices = useAsync(() => collect(async (Marker) => {
    const r = await iam.send(new ListPoliciesCommand({ Marker, Scope: 'All', MaxItems: 1000 }));
    return { items: r.Policies, next: r.IsTruncated ? r.Marker : undefined };
  }), [iam]);
  const [arn, setArn] = useState('');
  const action = useAction();
  const attach = (PolicyArn: string) => action.run(() => kind === 'user' ? iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn }))
    : kind === 'group' ? iam.send(new AttachGroupPolicyCommand({ GroupName: name, PolicyArn })) : iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn }))).then((ok) => ok && state.reload());
  const detach = (PolicyArn: string) => action.run(() => kind === 'user' ? iam.send(new DetachUserPolicyCommand({ UserName: name, PolicyArn }))
    : kind === 'group' ? iam.send(new DetachGroupPolicyCommand({ GroupName: name, PolicyArn })) : iam.send(new DetachRolePolicyCommand({ RoleName: name, PolicyArn }))).then((ok) => ok && state.reload());
  return (
    <Section title="Attached managed policies" id={`${kind}-attached`}>
      <AsyncView state={state} label="Loading attached policies…">
        {(list: AttachedPolicy[]) => (
          <DataTable rows={list} rowKey={(p) => p.PolicyArn!} empty="No managed policies attached."
            columns={[
              { header: 'Policy', cell: (p) => <Link to={`/iam/policies/${seg(p.PolicyArn!)}`}>{p.PolicyName}</Link> },
              { header: 'ARN', className: 'wrap', cell: (p) => <span className="mono small">{p.PolicyArn}</span> },
              { header: '', cell: (p) => <button type="button" className="link danger" onClick={() => detach(p.PolicyArn!)}>Detach</button> },
            ]} />
        )}
      </AsyncView>
      <form className="inline-form" onSubmit={(e) => { e.preventDefault(); if (arn) attach(arn); }}>
        <Field label="Attach a policy">
          {(id) => (
            <select id={id} value={arn} onChange={(e) => setArn(e.target.value)} required>
              <option value="">{choices.loading ? 'Loading policies…' : 'Choose a policy'}</option>
              {(choices.data ?? []).map((p) => <option key={p.Arn} value={p.Arn}>{p.PolicyName}{p.Arn?.includes(':aws:policy/') ? ' (AWS managed)' : ''}</option>)}
            </select>
          )}
        </Field>
        <BusyButton type="submit" busy={action.busy}>Attach</BusyButton>
      </form>
      <ErrorBox error={choices.error} />
      <ErrorBox error={action.error} onDismiss={action.clear} />
    </Section>
  );
}

/** Inline policies of a user, group or role, each in its own JSON editor; add new ones by name. */
export function InlinePolicies({ iam, kind, name }: { iam: IAMClient; kind: Principal; name: string }) {
  const state = useAsync(async () => {
    const names = kind === 'user' ? (await iam.send(new ListUserPoliciesCommand({ UserName: name }))).PolicyNames
      : kind === 'group' ? (await iam.send(new ListGroupPoliciesCommand({ GroupName: name }))).PolicyNames
      : (await iam.send(new ListRolePoliciesCommand({ RoleName: name }))).PolicyNames;
    return Promise.all((names ?? []).map(async (PolicyName) => {
      const doc = kind === 'user' ? (await iam.send(new GetUserPolicyCommand({ UserName: name, PolicyName }))).PolicyDocument
        : kind === 'group' ? (await iam.send(new GetGroupPolicyCommand({ GroupName: name, PolicyName }))).PolicyDocument
        : (await iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName }))).PolicyDocument;
      return { name: PolicyName, document: decodePolicy(doc) };
    }));
  }, [iam, kind, name]);
  const [adding, setAdding] = useState(false);
  const [newName, setNewName] = useState('');
  const put = (PolicyName: string, PolicyDocument: string) => kind === 'user' ? iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName, PolicyDocument }))
    : kind === 'group' ? iam.send(new PutGroupPolicyCommand({ GroupName: name, PolicyName, PolicyDocument })) : iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName, PolicyDocument }));
  const remove = useAction();
  const del = (PolicyName: string) => remove.run(() => kind === 'user' ? iam.send(new DeleteUserPolicyCommand({ UserName: name, PolicyName }))
    : kind === 'group' ? iam.send(new DeleteGroupPolicyCommand({ GroupName: name, PolicyName })) : iam.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName }))).then((ok) => ok && state.reload());
  return (
    <Section title="Inline policies" id={`${kind}-inline`} actions={!adding && <button type="button" onClick={() => setAdding(true)}>Add inline policy</button>}>
      <AsyncView state={state} label="Loading inline policies…">
        {(list) => (
          <>
            {list.length === 0 && !adding && <p className="empty">No inline policies.</p>}
            {list.map((p) => (
              <details key={p.name} className="policy">
                <summary><strong>{p.name}</strong></summary>
                <InlineEditor initial={p.document} onSave={(doc) => put(p.name, doc)} />
                <button type="button" className="link danger" onClick={() => del(p.name)}>Delete {p.name}</button>
              </details>
            ))}
          </>
        )}
      </AsyncView>
      {adding && (
        <div className="policy">
          <Field label="Policy name">{(id) => <input id={id} value={newName} onChange={(e) => setNewName(e.target.value)} required />}</Field>
          <InlineEditor initial={EXAMPLE_POLICY} onSave={async (doc) => { await put(newName.trim(), doc); setAdding(false); setNewName(''); state.reload(); }} onCancel={() => setAdding(false)} />
        </div>
      )}
      <ErrorBox error={remove.error} onDismiss={remove.clear} />
    </Section>
  );
}

function InlineEditor({ initial, onSave, onCancel }: { initial: string; onSave: (doc: string) => Promise<unknown>; onCancel?: () => void }) {
  const action = useAction();
  return <JsonEditor label="Policy document" initial={initial} onSave={onSave} action={action} rows={12} onCancel={onCancel} />;
}
