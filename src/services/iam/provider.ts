/**
 * AWS Identity and Access Management: the operations Coffer implements, gathered from the ops
 * modules by area. Operations not listed answer as not implemented.
 */
import type { IamApi } from '../../generated/iam/api.js';
import type { IamDeps } from './deps.js';
import { accessKeyOps } from './ops/access-keys.js';
import { accountOps } from './ops/account.js';
import { attachmentOps } from './ops/attachments.js';
import { credentialReportOps } from './ops/credential-report.js';
import { groupOps } from './ops/groups.js';
import { inlineOps } from './ops/inline.js';
import { loginOps } from './ops/login-profiles.js';
import { mfaOps } from './ops/mfa.js';
import { policyOps } from './ops/policies.js';
import { roleOps } from './ops/roles.js';
import { simulateOps } from './ops/simulate.js';
import { tagOps } from './ops/tags.js';
import { userOps } from './ops/users.js';

export type IamProvider = Partial<IamApi>;

/** The IAM provider: one object with a method per implemented operation. */
export function createIamProvider(deps: IamDeps): IamProvider {
  return {
    ...userOps(deps),
    ...groupOps(deps),
    ...roleOps(deps),
    ...policyOps(deps),
    ...attachmentOps(deps),
    ...inlineOps(deps),
    ...accessKeyOps(deps),
    ...loginOps(deps),
    ...mfaOps(deps),
    ...tagOps(deps),
    ...accountOps(deps),
    ...credentialReportOps(deps),
    ...simulateOps(deps),
  };
}
