import { AddUserToGroupCommand, DeleteUserCommand, GetUserCommand, ListGroupsCommand, ListGroupsForUserCommand, RemoveUserFromGroupCommand } from '@aws-sdk/client-iam';
import { useState } from 'react';
import { DataTable } from '../components/data-table';
import { ErrorBox } from '../components/error-box';
import { BusyButton, Field } from '../components/form';
import { Details, PageHeader, Section } from '../components/page';
import { AsyncView } from '../components/status';
import { useAction, useAsync } from '../hooks';
import { when } from '../paging';
import { Link, navigate, seg } from '../router';
import type { PageProps } from '../routes';
import { AccessKeys, MfaDevices } from './iam-credentials';
import { AttachedPolicies, InlinePolicies } from './iam-shared';

/** One IAM user: details, groups, access keys, MFA, policies; delete. */
export function IamUserPage({ clients, name }: PageProps & { name: string }) {
  const iam = clients.iam;
  const user = useAsync(async () => (await iam.send(new GetUserCommand({ UserName: name }))).User!, [iam, name]);
  const remove = useAction();
  return (
    <>
      <PageHeader title={name} crumbs={[{ label: 'IAM', to: '/iam?tab=users' }, { label: 'Users', to: '/iam?tab=users' }]}
        actions={<BusyButton className="danger" busy={remove.busy} onClick={() => remove.run(() => iam.send(new DeleteUserCommand({ UserName: name }))).then((ok) => ok && navigate('/iam?tab=users'))}>Delete user</BusyButton>} />
      <ErrorBox error={remove.error} onDismiss={remove.clear} />
      <Section title="Summary" id="user-summary">
        <AsyncView state={user} label="Loading user…">
          {(u) => <Details items={[
            ['ARN', <span className="mono wrap">{u.Arn}</span>], ['User ID', <span className="mono">{u.UserId}</span>], ['Path', u.Path],
            ['Created', when(u.CreateDate)], ['Password last used', when(u.PasswordLastUsed)],
            ['Permissions boundary', u.PermissionsBoundary?.PermissionsBoundaryArn],
          ]} />}
        </AsyncView>
      </Section>
      {user.data && (
        <>
          <AccessKeys iam={iam} user={name} />
          <MfaDevices iam={iam} user={name} />
          <UserGroups clients={clients} name={name} />
          <AttachedPolicies iam={iam} kind="user" name={name} />
          <InlinePolicies iam={iam} kind="user" name={name} />
        </>
      )}
    </>
  );
}

function UserGroups({ clients, name }: Pick<PageProps, 'clients'> & { name: string }) {
  const iam = clients.iam;
  const state = useAsync(async () => (await iam.send(new ListGroupsForUserCommand({ UserName: name }))).Groups ?? [], [iam, name]);
  const all = useAsync(async () => (await iam.send(new ListGroupsCommand({ MaxItems: 1000 }))).Groups ?? [], [iam]);
  const [group, setGroup] = useState('');
  const action = useAction();
  const change = (fn: () => Promise<unknown>) => action.run(fn).then((ok) => ok && state.reload());
  return (
    <Section title="Groups" id="user-groups">
      <AsyncView state={state} label="Loading groups…">
        {(groups) => (
          <DataTable rows={groups} rowKey={(g) => g.GroupName!} empty="Not in any group."
            columns={[
              { header: 'Group', cell: (g) => <Link to={`/iam/groups/${seg(g.GroupName!)}`}>{g.GroupName}</Link> },
              { header: '', cell: (g) => <button type="button" className="link danger" onClick={() => change(() => iam.send(new RemoveUserFromGroupCommand({ UserName: name, GroupName: g.GroupName! })))}>Remove</button> },
            ]} />
        )}
      </AsyncView>
      <form className="inline-form" onSubmit={(e) => { e.preventDefault(); if (group) change(() => iam.send(new AddUserToGroupCommand({ UserName: name, GroupName: group }))); }}>
        <Field label="Add to group">
          {(id) => (
            <select id={id} value={group} onChange={(e) => setGroup(e.target.value)} required>
              <option value="">{all.loading ? 'Loading groups…' : 'Choose a group'}</option>
              {(all.data ?? []).filter((g) => !state.data?.some((m) => m.GroupName === g.GroupName)).map((g) => <option key={g.GroupName}>{g.GroupName}</option>)}
            </select>
          )}
        </Field>
        <BusyButton type="submit" busy={action.busy}>Add</BusyButton>
      </form>
      <ErrorBox error={all.error} />
      <ErrorBox error={action.error} onDismiss={action.clear} />
    </Section>
  );
}
