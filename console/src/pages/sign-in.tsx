import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { useState, type FormEvent } from 'react';
import { buildClients } from '../aws';
import { ErrorBox } from '../components/error-box';
import { BusyButton, Field } from '../components/form';
import { useAction } from '../hooks';
import type { Session } from '../session';

const REGIONS = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-west-2', 'eu-central-1', 'ap-southeast-1', 'ap-northeast-1'];

/**
 * Sign-in with an access key pair or STS temporary credentials. The keys are checked with
 * sts:GetCallerIdentity (which every valid identity may call) before anything is kept.
 */
export function SignIn({ onSignIn }: { onSignIn: (session: Session) => void }) {
  const [accessKeyId, setAccessKeyId] = useState('');
  const [secretAccessKey, setSecretAccessKey] = useState('');
  const [sessionToken, setSessionToken] = useState('');
  const [region, setRegion] = useState('us-east-1');
  const action = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const credentials = { accessKeyId: accessKeyId.trim(), secretAccessKey: secretAccessKey.trim(), ...(sessionToken.trim() ? { sessionToken: sessionToken.trim() } : {}) };
    await action.run(async () => {
      const who = await buildClients(credentials, region.trim()).sts.send(new GetCallerIdentityCommand({}));
      onSignIn({ credentials, region: region.trim(), identity: { arn: who.Arn ?? '', account: who.Account ?? '', userId: who.UserId ?? '' } });
    });
  };

  return (
    <main className="signin">
      <form className="card" onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">Sign in to Coffer</h1>
        <p className="sub">Use an access key pair, or temporary credentials from STS with their session token.</p>
        <Field label="Access key ID">
          {(id) => <input id={id} name="accessKeyId" autoComplete="username" required autoFocus value={accessKeyId} onChange={(e) => setAccessKeyId(e.target.value)} />}
        </Field>
        <Field label="Secret access key">
          {(id) => <input id={id} name="secretAccessKey" type="password" autoComplete="current-password" required value={secretAccessKey} onChange={(e) => setSecretAccessKey(e.target.value)} />}
        </Field>
        <Field label="Session token (temporary credentials only)">
          {(id) => <textarea id={id} name="sessionToken" rows={2} className="code" value={sessionToken} onChange={(e) => setSessionToken(e.target.value)} />}
        </Field>
        <Field label="Region">
          {(id) => (
            <>
              <input id={id} name="region" list={`${id}-list`} required pattern="[a-z0-9\-]+" value={region} onChange={(e) => setRegion(e.target.value)} />
              <datalist id={`${id}-list`}>{REGIONS.map((r) => <option key={r} value={r} />)}</datalist>
            </>
          )}
        </Field>
        <BusyButton type="submit" busy={action.busy}>Sign in</BusyButton>
        <ErrorBox error={action.error} />
        <p className="hint">The keys stay in this browser tab (memory and session storage) and are only used to sign requests to this server. Closing the tab forgets them.</p>
      </form>
    </main>
  );
}
