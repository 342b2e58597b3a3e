import { DeleteGroupCommand, GetGroupCommand, RemoveUserFromGroupCommand } from '@aws-sdk/client-iam';
import { DataTable } from '../components/data-table';
import { ErrorBox } from '../components/error-box';
import { BusyButton } from '../components/form';
import { Details, PageHeader, Section } from '../components/page';
import { AsyncView } from '../components/status';
import { useAction, useAsync } from '../hooks';
import { when } from '../paging';
import { Link, navigate, seg } from '../router';
import type { PageProps } from '../routes';
import { AttachedPolicies, InlinePolicies } from './iam-shared';

/** One group: members, policies; delete. */
export function IamGroupPage({ clients, name }: PageProps & { name: string }) {
  const iam = clients.iam;
  const state = useAsync(() => iam.send(new GetGroupCommand({ GroupName: name, MaxItems: 1000 })), [iam, name]);
  const action = useAction();
  return (
    <>
      <PageHeader title={name} crumbs={[{ label: 'IAM', to: '/iam?tab=groups' }, { label: 'Groups', to: '/iam?tab=groups' }]}
        actions={<BusyButton className="danger" busy={action.busy} onClick={() => action.run(() => iam.send(new DeleteGroupCommand({ GroupName: name }))).then((ok) => ok && navigate('/iam?tab=groups'))}>Delete group</BusyButton>} />
      <ErrorBox error={action.error} onDismiss={action.clear} />
      <AsyncView state={state} label="Loading group…">
        {(g) => (
          <>
            <Section title="Summary" id="group-summary">
              <Details items={[['ARN', <span className="mono wrap">{g.Group?.Arn}</span>], ['Created', when(g.Group?.CreateDate)]]} />
            </Section>
            <Section title="Members" id="group-members">
              <DataTable rows={g.Users ?? []} rowKey={(u) => u.UserName!} empty="No members. Add users from their page."
                columns={[
                  { header: 'User', cell: (u) => <Link to={`/iam/users/${seg(u.UserName!)}`}>{u.UserName}</Link> },
                  { header: '', cell: (u) => <button type="button" className="link danger" onClick={() => action.run(() => iam.send(new RemoveUserFromGroupCommand({ GroupName: name, UserName: u.UserName! }))).then((ok) => ok && state.reload())}>Remove</button> },
                ]} />
            </Section>
            <AttachedPolicies iam={iam} kind="group" name={name} />
            <InlinePolicies iam={iam} kind="group" name={name} />
          </>
        )}
      </AsyncView>
    </>
  );
}
