import { CreatePolicyVersionCommand, DeletePolicyCommand, DeletePolicyVersionCommand, GetPolicyCommand, GetPolicyVersionCommand, ListPolicyVersionsCommand } from '@aws-sdk/client-iam';
import { DataTable } from '../components/data-table';
import { ErrorBox } from '../components/error-box';
import { BusyButton } from '../components/form';
import { JsonEditor, prettyJson } from '../components/json-editor';
import { Details, PageHeader, Section } from '../components/page';
import { AsyncView, Badge } from '../components/status';
import { useAction, useAsync } from '../hooks';
import { when } from '../paging';
import { navigate } from '../router';
import type { PageProps } from '../routes';
import { decodePolicy } from './iam-shared';

/** One managed policy: its default document (editing saves a new default version), versions; delete. */
export function IamPolicyPage({ clients, arn }: PageProps & { arn: string }) {
  const iam = clients.iam;
  const policy = useAsync(async () => {
    const p = (await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy!;
    const v = (await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: p.DefaultVersionId! }))).PolicyVersion!;
    return { policy: p, document: decodePolicy(v.Document) };
  }, [iam, arn]);
  const versions = useAsync(async () => (await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }))).Versions ?? [], [iam, arn]);
  const edit = useAction();
  const action = useAction();
  const awsManaged = arn.includes(':aws:policy/');
  return (
    <>
      <PageHeader title={policy.data?.policy.PolicyName ?? arn} crumbs={[{ label: 'IAM', to: '/iam?tab=policies' }, { label: 'Policies', to: '/iam?tab=policies' }]}
        actions={!awsManaged && <BusyButton className="danger" busy={action.busy} onClick={() => action.run(() => iam.send(new DeletePolicyCommand({ PolicyArn: arn }))).then((ok) => ok && navigate('/iam?tab=policies'))}>Delete policy</BusyButton>} />
      <ErrorBox error={action.error} onDismiss={action.clear} />
      <AsyncView state={policy} label="Loading policy…">
        {({ policy: p, document }) => (
          <>
            <Section title="Summary" id="policy-summary">
              <Details items={[
                ['ARN', <span className="mono wrap">{p.Arn}</span>], ['Description', p.Description], ['Attachments', String(p.AttachmentCount ?? 0)],
                ['Default version', p.DefaultVersionId], ['Created', when(p.CreateDate)], ['Updated', when(p.UpdateDate)],
              ]} />
            </Section>
            <Section title="Policy document" id="policy-document">
              {awsManaged
                ? <pre className="code-block">{prettyJson(document)}</pre>
                : <JsonEditor label="Policy document (saving creates a new default version)" initial={document} action={edit} saveLabel="Save as new version"
                    onSave={async (doc) => { await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: doc, SetAsDefault: true })); policy.reload(); versions.reload(); }} />}
            </Section>
          </>
        )}
      </AsyncView>
      <Section title="Versions" id="policy-versions">
        <AsyncView state={versions} label="Loading versions…">
          {(list) => (
            <DataTable rows={list} rowKey={(v) => v.VersionId!} empty="No versions."
              columns={[
                { header: 'Version', cell: (v) => <>{v.VersionId} {v.IsDefaultVersion && <Badge value="default" tone="good" />}</> },
                { header: 'Created', cell: (v) => when(v.CreateDate) },
                { header: '', cell: (v) => (v.IsDefaultVersion || awsManaged ? null : <button type="button" className="link danger" onClick={() => action.run(() => iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: v.VersionId! }))).then((ok) => ok && versions.reload())}>Delete</button>) },
              ]} />
          )}
        </AsyncView>
      </Section>
    </>
  );
}
