import { DeleteRoleCommand, GetRoleCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { ErrorBox } from '../components/error-box';
import { BusyButton } from '../components/form';
import { JsonEditor } from '../components/json-editor';
import { Details, PageHeader, Section } from '../components/page';
import { AsyncView } from '../components/status';
import { useAction, useAsync } from '../hooks';
import { when } from '../paging';
import { navigate } from '../router';
import type { PageProps } from '../routes';
import { AttachedPolicies, decodePolicy, InlinePolicies } from './iam-shared';

/** One role: summary, trust policy editor, policies; delete. */
export function IamRolePage({ clients, name }: PageProps & { name: string }) {
  const iam = clients.iam;
  const state = useAsync(async () => (await iam.send(new GetRoleCommand({ RoleName: name }))).Role!, [iam, name]);
  const remove = useAction();
  const trust = useAction();
  return (
    <>
      <PageHeader title={name} crumbs={[{ label: 'IAM', to: '/iam?tab=roles' }, { label: 'Roles', to: '/iam?tab=roles' }]}
        actions={<BusyButton className="danger" busy={remove.busy} onClick={() => remove.run(() => iam.send(new DeleteRoleCommand({ RoleName: name }))).then((ok) => ok && navigate('/iam?tab=roles'))}>Delete role</BusyButton>} />
      <ErrorBox error={remove.error} onDismiss={remove.clear} />
      <AsyncView state={state} label="Loading role…">
        {(r) => (
          <>
            <Section title="Summary" id="role-summary">
              <Details items={[
                ['ARN', <span className="mono wrap">{r.Arn}</span>], ['Role ID', <span className="mono">{r.RoleId}</span>], ['Description', r.Description],
                ['Max session duration', r.MaxSessionDuration ? `${r.MaxSessionDuration / 3600} hours` : undefined], ['Created', when(r.CreateDate)],
                ['Last used', r.RoleLastUsed?.LastUsedDate ? `${when(r.RoleLastUsed.LastUsedDate)} in ${r.RoleLastUsed.Region}` : undefined],
                ['Permissions boundary', r.PermissionsBoundary?.PermissionsBoundaryArn],
              ]} />
            </Section>
            <Section title="Trust policy" id="role-trust">
              <JsonEditor label="Trust policy document" initial={decodePolicy(r.AssumeRolePolicyDocument)} action={trust} saveLabel="Save trust policy"
                onSave={(doc) => iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: name, PolicyDocument: doc }))} />
            </Section>
            <AttachedPolicies iam={iam} kind="role" name={name} />
            <InlinePolicies iam={iam} kind="role" name={name} />
          </>
        )}
      </AsyncView>
    </>
  );
}
