import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import type { Credentials, Session } from './session';

/** Every SDK client the console uses, all pointed at the server that served the page. */
export interface Clients {
  kms: KMSClient;
  s3: S3Client;
  iam: IAMClient;
  sts: STSClient;
  cloudtrail: CloudTrailClient;
}

/** Marks errors with the command that failed, so the UI can say which action was refused. */
interface CommandNamed { $command?: { client: string; command: string } }

type AnyClient = { middlewareStack: { add: (mw: never, options: { step: 'initialize'; name: string }) => void } };

function nameCommands<C>(client: C): C {
  const middleware = (next: (args: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) =>
    async (args: unknown) => {
      try {
        return await next(args);
      } catch (err) {
        if (err && typeof err === 'object') {
          (err as CommandNamed).$command = { client: context.clientName ?? '', command: (context.commandName ?? '').replace(/Command$/, '') };
        }
        throw err;
      }
    };
  (client as unknown as AnyClient).middlewareStack.add(middleware as never, { step: 'initialize', name: 'cofferNameCommand' });
  return client;
}

/**
 * Builds the clients for a signed-in session. The endpoint is this page's origin: the console is
 * served by Coffer itself, so every call is a same-origin, SigV4-signed API call that the server
 * authorizes exactly as it would a CLI call.
 */
export function buildClients(credentials: Credentials, region: string): Clients {
  const common = {
    region,
    endpoint: window.location.origin,
    credentials,
    // A console call that fails should say so now, not after three back-offs.
    maxAttempts: 2,
  };
  return {
    kms: nameCommands(new KMSClient(common)),
    s3: nameCommands(new S3Client({ ...common, forcePathStyle: true })),
    iam: nameCommands(new IAMClient(common)),
    sts: nameCommands(new STSClient(common)),
    cloudtrail: nameCommands(new CloudTrailClient(common)),
  };
}

const cache = new WeakMap<Session, Clients>();

/** The clients of a session, built once per session object. */
export function clientsFor(session: Session): Clients {
  let clients = cache.get(session);
  if (!clients) {
    clients = buildClients(session.credentials, session.region);
    cache.set(session, clients);
  }
  return clients;
}

export type { CommandNamed };
