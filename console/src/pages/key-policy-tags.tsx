import { GetKeyPolicyCommand, ListResourceTagsCommand, PutKeyPolicyCommand, TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-kms';
import type { Clients } from '../aws';
import { JsonEditor } from '../components/json-editor';
import { Section } from '../components/page';
import { AsyncView } from '../components/status';
import { TagEditor, type Tag } from '../components/tag-editor';
import { useAction, useAsync } from '../hooks';

/** The key policy, edited as JSON; KMS's MalformedPolicyDocumentException is shown verbatim. */
export function KeyPolicy({ clients, keyId }: { clients: Clients; keyId: string }) {
  const state = useAsync(async () => (await clients.kms.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }))).Policy ?? '', [clients, keyId]);
  const action = useAction();
  return (
    <Section title="Key policy" id="key-policy">
      <AsyncView state={state} label="Loading key policy…">
        {(policy) => (
          <JsonEditor label="Key policy document" initial={policy} action={action} saveLabel="Save key policy"
            onSave={(text) => clients.kms.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: text }))} />
        )}
      </AsyncView>
    </Section>
  );
}

/** The key's tags. */
export function KeyTags({ clients, keyId }: { clients: Clients; keyId: string }) {
  const state = useAsync(async () => {
    const r = await clients.kms.send(new ListResourceTagsCommand({ KeyId: keyId, Limit: 50 }));
    return (r.Tags ?? []).map((t) => ({ Key: t.TagKey!, Value: t.TagValue ?? '' }));
  }, [clients, keyId]);
  const action = useAction();
  const save = async (add: Tag[], remove: string[]) => {
    if (remove.length) await clients.kms.send(new UntagResourceCommand({ KeyId: keyId, TagKeys: remove }));
    if (add.length) await clients.kms.send(new TagResourceCommand({ KeyId: keyId, Tags: add.map((t) => ({ TagKey: t.Key, TagValue: t.Value })) }));
  };
  return (
    <Section title="Tags" id="key-tags">
      <AsyncView state={state} label="Loading tags…">
        {(tags) => <TagEditor tags={tags} action={action} onSave={(add, remove) => save(add, remove)} onSaved={state.reload} />}
      </AsyncView>
    </Section>
  );
}
