import type { Clients } from './aws';
import { Link, type Location } from './router';
import type { Session } from './session';
import { AuditPage } from './pages/audit';
import { BucketSettings } from './pages/bucket-settings';
import { BucketsPage } from './pages/buckets';
import { IamPage } from './pages/iam';
import { IamGroupPage } from './pages/iam-group';
import { IamPolicyPage } from './pages/iam-policy';
import { IamRolePage } from './pages/iam-role';
import { IamUserPage } from './pages/iam-user';
import { KeyDetails } from './pages/key-details';
import { KeysPage } from './pages/keys';
import { ObjectDetails } from './pages/object-details';
import { ObjectsPage } from './pages/objects';
import { Overview } from './pages/overview';
import { TrailPage } from './pages/trail';

/** What every page receives. */
export interface PageProps {
  clients: Clients;
  session: Session;
  location: Location;
}

/** Matches `pattern` (`/keys/:id`) against `path`; the decoded parameters, or undefined. */
function match(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.replace(/\/+$/, '').split('/');
  const got = path.replace(/\/+$/, '').split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i]!.startsWith(':')) params[want[i]!.slice(1)] = decodeURIComponent(got[i]!);
    else if (want[i] !== got[i]) return undefined;
  }
  return params;
}

/** The page for the current path. */
export function Routes(props: PageProps) {
  const path = props.location.path || '/';
  let p: Record<string, string> | undefined;
  if (match('/', path)) return <Overview {...props} />;
  if (match('/keys', path)) return <KeysPage {...props} />;
  if ((p = match('/keys/:id', path))) return <KeyDetails key={p.id} {...props} keyId={p.id!} />;
  if (match('/buckets', path)) return <BucketsPage {...props} />;
  // Keyed by folder and view too: another folder is a fresh page, not the last one's rows relabelled.
  if ((p = match('/buckets/:bucket', path))) return <ObjectsPage key={`${p.bucket}?${props.location.query}`} {...props} bucket={p.bucket!} />;
  if ((p = match('/buckets/:bucket/settings', path))) return <BucketSettings key={p.bucket} {...props} bucket={p.bucket!} />;
  if ((p = match('/buckets/:bucket/object', path))) return <ObjectDetails {...props} bucket={p.bucket!} />;
  if (match('/iam', path)) return <IamPage {...props} />;
  if ((p = match('/iam/users/:name', path))) return <IamUserPage key={p.name} {...props} name={p.name!} />;
  if ((p = match('/iam/groups/:name', path))) return <IamGroupPage key={p.name} {...props} name={p.name!} />;
  if ((p = match('/iam/roles/:name', path))) return <IamRolePage key={p.name} {...props} name={p.name!} />;
  if ((p = match('/iam/policies/:arn', path))) return <IamPolicyPage key={p.arn} {...props} arn={p.arn!} />;
  if (match('/trail', path)) return <TrailPage {...props} />;
  if (match('/audit', path)) return <AuditPage {...props} />;
  return (
    <div className="card">
      <h1>Page not found</h1>
      <p>Nothing lives at <code>{path}</code>. <Link to="/">Back to the overview</Link>.</p>
    </div>
  );
}
