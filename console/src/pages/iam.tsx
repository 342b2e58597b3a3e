import { CreateGroupCommand, CreatePolicyCommand, CreateRoleCommand, CreateUserCommand, ListGroupsCommand, ListPoliciesCommand, ListRolesCommand, ListUsersCommand, type IAMClient } from '@aws-sdk/client-iam';
import { useState, type FormEvent } from 'react';
import { DataTable } from '../components/data-table';
import { Dialog } from '../components/dialog';
import { ErrorBox } from '../components/error-box';
import { BusyButton, Checkbox, Field } from '../components/form';
import { JsonEditor } from '../components/json-editor';
import { PageHeader } from '../components/page';
import { AsyncView } from '../components/status';
import { TabPanel, Tabs } from '../components/tabs';
import { useAction, useAsync } from '../hooks';
import { collect, when } from '../paging';
import { Link, navigate, seg } from '../router';
import type { PageProps } from '../routes';
import { EXAMPLE_POLICY } from './iam-shared';

type Tab = 'users' | 'groups' | 'roles' | 'policies';
const TABS: { id: Tab; label: string }[] = [
  { id: 'users', label: 'Users' }, { id: 'groups', label: 'Groups' }, { id: 'roles', label: 'Roles' }, { id: 'policies', label: 'Policies' },
];

/** IAM: users, groups, roles and customer managed policies, each with create. */
export function IamPage({ clients, session, location }: PageProps) {
  const tab = (TABS.find((t) => t.id === location.query.get('tab'))?.id ?? 'users');
  return (
    <>
      <PageHeader title="IAM" sub={`Account ${session.identity.account}`} />
      <Tabs label="IAM resources" tabs={TABS} value={tab} onChange={(t) => navigate(`/iam?tab=${t}`, { replace: true })} />
      <TabPanel id={tab}>
        {tab === 'users' && <Users iam={clients.iam} />}
        {tab === 'groups' && <Groups iam={clients.iam} />}
        {tab === 'roles' && <Roles iam={clients.iam} account={session.identity.account} />}
        {tab === 'policies' && <Policies iam={clients.iam} />}
      </TabPanel>
    </>
  );
}

/** A one-field create form (user, group names). */
function NameForm({ label, onCreate }: { label: string; onCreate: (name: string) => Promise<unknown> }) {
  const [name, setName] = useState('');
  const action = useAction();
  return (
    <>
      <form className="inline-form" onSubmit={(e) => { e.preventDefault(); action.run(() => onCreate(name.trim())).then((ok) => ok && setName('')); }}>
        <Field label={`New ${label} name`}>{(id) => <input id={id} value={name} onChange={(e) => setName(e.target.value)} required pattern="[\w+=,.@\-]+" maxLength={64} />}</Field>
        <BusyButton type="submit" busy={action.busy}>Create {label}</BusyButton>
      </form>
      <ErrorBox error={action.error} onDismiss={action.clear} />
    </>
  );
}

function Users({ iam }: { iam: IAMClient }) {
  const state = useAsync(() => collect(async (Marker) => {
    const r = await iam.send(new ListUsersCommand({ Marker, MaxItems: 1000 }));
    return { items: r.Users, next: r.IsTruncated ? r.Marker : undefined };
  }), [iam]);
  return (
    <div className="card">
      <NameForm label="user" onCreate={async (UserName) => { await iam.send(new CreateUserCommand({ UserName })); navigate(`/iam/users/${seg(UserName)}`); }} />
      <AsyncView state={state} label="Loading users…">
        {(users) => (
          <DataTable caption="Users" rows={users} rowKey={(u) => u.UserId!} empty="No IAM users."
            columns={[
              { header: 'User', cell: (u) => <Link to={`/iam/users/${seg(u.UserName!)}`}>{u.UserName}</Link> },
              { header: 'ARN', className: 'wrap', cell: (u) => <span className="mono small">{u.Arn}</span> },
              { header: 'Created', cell: (u) => when(u.CreateDate) },
              { header: 'Password last used', cell: (u) => when(u.PasswordLastUsed) },
            ]} />
        )}
      </AsyncView>
    </div>
  );
}

function Groups({ iam }: { iam: IAMClient }) {
  const state = useAsync(() => collect(async (Marker) => {
    const r = await iam.send(new ListGroupsCommand({ Marker, MaxItems: 1000 }));
    return { items: r.Groups, next: r.IsTruncated ? r.Marker : undefined };
  }), [iam]);
  return (
    <div className="card">
      <NameForm label="group" onCreate={async (GroupName) => { await iam.send(new CreateGroupCommand({ GroupName })); navigate(`/iam/groups/${seg(GroupName)}`); }} />
      <AsyncView state={state} label="Loading groups…">
        {(groups) => (
          <DataTable caption="Groups" rows={groups} rowKey={(g) => g.GroupId!} empty="No groups."
            columns={[
              { header: 'Group', cell: (g) => <Link to={`/iam/groups/${seg(g.GroupName!)}`}>{g.GroupName}</Link> },
              { header: 'ARN', className: 'wrap', cell: (g) => <span className="mono small">{g.Arn}</span> },
              { header: 'Created', cell: (g) => when(g.CreateDate) },
            ]} />
        )}
      </AsyncView>
    </div>
  );
}

function Roles({ iam, account }: { iam: IAMClient; account: string }) {
  const state = useAsync(() => collect(async (Marker) => {
    const r = await iam.send(new ListRolesCommand({ Marker, MaxItems: 1000 }));
    return { items: r.Roles, next: r.IsTruncated ? r.Marker : undefined };
  }), [iam]);
  const [creating, setCreating] = useState(false);
  return (
    <div className="card">
      <div className="toolbar"><button type="button" className="primary" onClick={() => setCreating(true)}>Create role</button></div>
      <AsyncView state={state} label="Loading roles…">
        {(roles) => (
          <DataTable caption="Roles" rows={roles} rowKey={(r) => r.RoleId!} empty="No roles."
            columns={[
              { header: 'Role', cell: (r) => <Link to={`/iam/roles/${seg(r.RoleName!)}`}>{r.RoleName}</Link> },
              { header: 'Description', cell: (r) => r.Description },
              { header: 'Max session', cell: (r) => (r.MaxSessionDuration ? `${r.MaxSessionDuration / 3600} h` : '') },
              { header: 'Created', cell: (r) => when(r.CreateDate) },
            ]} />
        )}
      </AsyncView>
      {creating && <CreateRoleDialog iam={iam} account={account} onClose={() => setCreating(false)} />}
    </div>
  );
}

function CreateRoleDialog({ iam, account, onClose }: { iam: IAMClient; account: string; onClose: () => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const action = useAction();
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }] });
  return (
    <Dialog open title="Create role" onClose={onClose} wide>
      <Field label="Role name">{(id) => <input id={id} value={name} onChange={(e) => setName(e.target.value)} required />}</Field>
      <Field label="Description">{(id) => <input id={id} value={description} onChange={(e) => setDescription(e.target.value)} />}</Field>
      <JsonEditor label="Trust policy (who may assume the role)" initial={trust} action={action} saveLabel="Create role" onCancel={onClose}
        onSave={async (doc) => {
          await iam.send(new CreateRoleCommand({ RoleName: name.trim(), AssumeRolePolicyDocument: doc, Description: description || undefined }));
          onClose();
          navigate(`/iam/roles/${seg(name.trim())}`);
        }} />
    </Dialog>
  );
}

function Policies({ iam }: { iam: IAMClient }) {
  const [all, setAll] = useState(false);
  const state = useAsync(() => collect(async (Marker) => {
    const r = await iam.send(new ListPoliciesCommand({ Marker, Scope: all ? 'All' : 'Local', MaxItems: 1000 }));
    return { items: r.Policies, next: r.IsTruncated ? r.Marker : undefined };
  }), [iam, all]);
  const [creating, setCreating] = useState(false);
  return (
    <div className="card">
      <div className="toolbar">
        <Checkbox label="Include AWS managed policies" checked={all} onChange={setAll} />
        <button type="button" className="primary" onClick={() => setCreating(true)}>Create policy</button>
      </div>
      <AsyncView state={state} label="Loading policies…">
        {(policies) => (
          <DataTable caption="Policies" rows={policies} rowKey={(p) => p.Arn!} empty="No customer managed policies."
            columns={[
              { header: 'Policy', cell: (p) => <Link to={`/iam/policies/${seg(p.Arn!)}`}>{p.PolicyName}</Link> },
              { header: 'Attachments', className: 'num', cell: (p) => String(p.AttachmentCount ?? 0) },
              { header: 'Default version', cell: (p) => p.DefaultVersionId },
              { header: 'Updated', cell: (p) => when(p.UpdateDate) },
            ]} />
        )}
      </AsyncView>
      {creating && <CreatePolicyDialog iam={iam} onClose={() => setCreating(false)} />}
    </div>
  );
}

function CreatePolicyDialog({ iam, onClose }: { iam: IAMClient; onClose: () => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const action = useAction();
  const create = async (doc: string) => {
    const r = await iam.send(new CreatePolicyCommand({ PolicyName: name.trim(), PolicyDocument: doc, Description: description || undefined }));
    onClose();
    navigate(`/iam/policies/${seg(r.Policy!.Arn!)}`);
  };
  return (
    <Dialog open title="Create policy" onClose={onClose} wide>
      <form onSubmit={(e: FormEvent) => e.preventDefault()}>
        <Field label="Policy name">{(id) => <input id={id} value={name} onChange={(e) => setName(e.target.value)} required />}</Field>
        <Field label="Description">{(id) => <input id={id} value={description} onChange={(e) => setDescription(e.target.value)} />}</Field>
      </form>
      <JsonEditor label="Policy document" initial={EXAMPLE_POLICY} action={action} saveLabel="Create policy" onSave={create} onCancel={onClose} />
    </Dialog>
  );
}
