import { fail, pass } from '../lib/results.js';
import { awsPolicyArn, holdersOf, iamResource } from '../lib/iam.js';
import type { Check } from '../types.js';

/** A role holding AWSSupportAccess, so incidents can be worked with AWS Support without root. */
export const check: Check = {
  id: 'iam_support_role_created',
  title: 'At least one IAM role has the AWSSupportAccess managed policy attached',
  severity: 'low',
  service: 'iam',
  resourceType: 'AwsIamRole',
  cis: ['1.17'],
  risk: 'Without a support role, opening and managing AWS Support cases during an incident needs broader credentials than it should.',
  remediation: 'Create a role your incident responders can assume and attach AWSSupportAccess to it.',
  cli: 'aws iam create-role --role-name aws-support --assume-role-policy-document file://trust.json && aws iam attach-role-policy --role-name aws-support --policy-arn arn:aws:iam::aws:policy/AWSSupportAccess',
  url: 'https://docs.aws.amazon.com/awssupport/latest/user/accessing-support.html',
  uses: ['iam'],
  run: (inv) => {
    const { holders, errors } = holdersOf(inv, ['role'], 'AWSSupportAccess');
    const r = iamResource(awsPolicyArn(inv, 'AWSSupportAccess'), 'AWSSupportAccess');
    if (holders.length > 0) return [pass(r, `Support policy attached to role ${holders.map((h) => h.name).join(', ')}.`)];
    return errors.length > 0 ? errors : [fail(r, 'Support policy is not attached to any role.')];
  },
};
