import { DOC, OBJ, allow, c, deny, pol, type Case } from './fixtures.js';

/**
 * Condition operators, one allow (or allow + deny) statement each, evaluated against a request
 * context. Expected answers follow the operator reference and the multi-value rules.
 */

type Ctx = Record<string, string | string[]>;

/** Alice may read OBJ when `condition` holds. */
function when(name: string, doc: string, condition: Record<string, unknown>, context: Ctx, expect: 'allowed' | 'implicitDeny'): Case {
  return c(name, doc, expect, { identity: [pol(allow('s3:GetObject', OBJ, { Condition: condition }))], context });
}

/** Alice may read OBJ, except when `condition` holds. */
function unless(name: string, doc: string, condition: Record<string, unknown>, context: Ctx, expect: 'allowed' | 'explicitDeny'): Case {
  return c(name, doc, expect, { identity: [pol(allow('s3:GetObject', OBJ), deny('s3:*', '*', { Condition: condition }))], context });
}

const tag = 'aws:PrincipalTag/job-category';

export const conditionCases: Case[] = [
  // String operators.
  when('StringEquals matches exactly', DOC.string, { StringEquals: { [tag]: 'iamuser-admin' } }, { [tag]: 'iamuser-admin' }, 'allowed'),
  when('StringEquals is case-sensitive', DOC.string, { StringEquals: { [tag]: 'iamuser-admin' } }, { [tag]: 'IAMUser-Admin' }, 'implicitDeny'),
  when('StringEquals: missing key is false', DOC.string, { StringEquals: { [tag]: 'iamuser-admin' } }, {}, 'implicitDeny'),
  when('StringEquals: "*" is literal, not a wildcard', DOC.string, { StringEquals: { [tag]: '*' } }, { [tag]: 'anything' }, 'implicitDeny'),
  when('StringEquals: one of several values (OR)', DOC.multiEval, { StringEquals: { [tag]: ['finance', 'hr', 'legal'] } }, { [tag]: 'hr' }, 'allowed'),
  when('StringNotEquals: different value is true', DOC.string, { StringNotEquals: { [tag]: 'contractor' } }, { [tag]: 'employee' }, 'allowed'),
  when('StringNotEquals: equal value is false', DOC.string, { StringNotEquals: { [tag]: 'contractor' } }, { [tag]: 'contractor' }, 'implicitDeny'),
  when('StringNotEquals: missing key is true', DOC.missingKey, { StringNotEquals: { [tag]: 'contractor' } }, {}, 'allowed'),
  when('StringNotEquals with several values: must match none (AND)', DOC.multiEval, { StringNotEquals: { 'aws:PrincipalAccount': ['111111111111', '111122223333'] } }, { 'aws:PrincipalAccount': '111122223333' }, 'implicitDeny'),
  when('StringEqualsIgnoreCase ignores case', DOC.string, { StringEqualsIgnoreCase: { [tag]: 'iamuser-admin' } }, { [tag]: 'IAMUser-Admin' }, 'allowed'),
  when('StringNotEqualsIgnoreCase: same value in other case is false', DOC.string, { StringNotEqualsIgnoreCase: { [tag]: 'contractor' } }, { [tag]: 'CONTRACTOR' }, 'implicitDeny'),
  when('StringLike with * wildcard', DOC.string, { StringLike: { 's3:prefix': 'home/*' } }, { 's3:prefix': 'home/alice/' }, 'allowed'),
  when('StringLike with ? wildcard (one character)', DOC.string, { StringLike: { 's3:prefix': 'home/?' } }, { 's3:prefix': 'home/ab' }, 'implicitDeny'),
  when('StringLike: empty string value matches an empty prefix', DOC.string, { StringLike: { 's3:prefix': ['', 'home/'] } }, { 's3:prefix': '' }, 'allowed'),
  when('StringLike is case-sensitive', DOC.string, { StringLike: { 's3:prefix': 'home/*' } }, { 's3:prefix': 'HOME/alice' }, 'implicitDeny'),
  when('StringNotLike: non-matching value is true', DOC.string, { StringNotLike: { 's3:prefix': 'private/*' } }, { 's3:prefix': 'public/x' }, 'allowed'),
  when('StringNotLike: missing key is true', DOC.missingKey, { StringNotLike: { 's3:prefix': 'private/*' } }, {}, 'allowed'),
  when('condition key names are case-insensitive', DOC.vars, { StringEquals: { 'AWS:PRINCIPALTAG/JOB-CATEGORY': 'iamuser-admin' } }, { 'aws:principaltag/job-category': 'iamuser-admin' }, 'allowed'),

  // Numeric operators.
  when('NumericLessThanEquals: 10 <= 10', DOC.numeric, { NumericLessThanEquals: { 's3:max-keys': '10' } }, { 's3:max-keys': '10' }, 'allowed'),
  when('NumericLessThanEquals: 11 > 10', DOC.numeric, { NumericLessThanEquals: { 's3:max-keys': '10' } }, { 's3:max-keys': '11' }, 'implicitDeny'),
  when('NumericLessThan: 10 is not < 10', DOC.numeric, { NumericLessThan: { 's3:max-keys': '10' } }, { 's3:max-keys': '10' }, 'implicitDeny'),
  when('NumericGreaterThan with decimals', DOC.numeric, { NumericGreaterThan: { 'x:n': '1.5' } }, { 'x:n': '1.75' }, 'allowed'),
  when('NumericGreaterThanEquals', DOC.numeric, { NumericGreaterThanEquals: { 'x:n': '7' } }, { 'x:n': '7' }, 'allowed'),
  when('NumericEquals compares numbers, not text', DOC.numeric, { NumericEquals: { 'x:n': '10' } }, { 'x:n': '10.0' }, 'allowed'),
  when('NumericNotEquals', DOC.numeric, { NumericNotEquals: { 'x:n': '10' } }, { 'x:n': '11' }, 'allowed'),
  when('Numeric: missing key is false', DOC.numeric, { NumericLessThanEquals: { 's3:max-keys': '10' } }, {}, 'implicitDeny'),
  when('Numeric: a non-number in the request does not match', DOC.numeric, { NumericLessThan: { 'x:n': '10' } }, { 'x:n': 'ten' }, 'implicitDeny'),

  // Date operators.
  when('DateGreaterThan: token issued after the date', DOC.date, { DateGreaterThan: { 'aws:TokenIssueTime': '2020-01-01T00:00:01Z' } }, { 'aws:TokenIssueTime': '2020-06-01T00:00:00Z' }, 'allowed'),
  when('DateGreaterThan: missing key (long-term keys) is false', DOC.date, { DateGreaterThan: { 'aws:TokenIssueTime': '2020-01-01T00:00:01Z' } }, {}, 'implicitDeny'),
  when('DateLessThan: before the end of a window', DOC.keyCurrentTime, { DateLessThan: { 'aws:CurrentTime': '2030-12-31T23:59:59Z' } }, { 'aws:CurrentTime': '2024-03-01T10:00:00Z' }, 'allowed'),
  when('DateGreaterThan + DateLessThan: outside the window', DOC.multiEval, { DateGreaterThan: { 'aws:CurrentTime': '2020-04-01T00:00:00Z' }, DateLessThan: { 'aws:CurrentTime': '2020-06-30T23:59:59Z' } }, { 'aws:CurrentTime': '2024-03-01T10:00:00Z' }, 'implicitDeny'),
  when('Date values in epoch seconds', DOC.keyEpochTime, { DateGreaterThanEquals: { 'aws:EpochTime': '1700000000' } }, { 'aws:EpochTime': '1709287200' }, 'allowed'),
  when('Date: epoch policy value against an ISO request value', DOC.date, { DateLessThan: { 'aws:CurrentTime': '1700000000' } }, { 'aws:CurrentTime': '2024-03-01T10:00:00Z' }, 'implicitDeny'),
  when('DateEquals', DOC.date, { DateEquals: { 'aws:CurrentTime': '2024-03-01T10:00:00Z' } }, { 'aws:CurrentTime': '2024-03-01T10:00:00.000Z' }, 'allowed'),
  when('DateNotEquals', DOC.date, { DateNotEquals: { 'aws:CurrentTime': '2024-03-01T10:00:00Z' } }, { 'aws:CurrentTime': '2024-03-01T10:00:01Z' }, 'allowed'),

  // Bool and Binary.
  when('Bool true matches "true"', DOC.bool, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }, { 'aws:MultiFactorAuthPresent': 'true' }, 'allowed'),
  when('Bool: missing key is false', DOC.keyMfa, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }, {}, 'implicitDeny'),
  when('Bool accepts a JSON boolean in the policy', DOC.bool, { Bool: { 'aws:SecureTransport': true } }, { 'aws:SecureTransport': 'true' }, 'allowed'),
  unless('Bool deny on aws:SecureTransport false refuses plain HTTP', DOC.bool, { Bool: { 'aws:SecureTransport': 'false' } }, { 'aws:SecureTransport': 'false' }, 'explicitDeny'),
  unless('Bool deny on aws:SecureTransport false allows HTTPS', DOC.bool, { Bool: { 'aws:SecureTransport': 'false' } }, { 'aws:SecureTransport': 'true' }, 'allowed'),
  unless('BoolIfExists deny on MFA false: long-term keys (key missing) are denied', DOC.keyMfa, { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } }, {}, 'explicitDeny'),
  unless('BoolIfExists deny on MFA false: MFA session passes', DOC.keyMfa, { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } }, { 'aws:MultiFactorAuthPresent': 'true' }, 'allowed'),
  when('BinaryEquals compares the base-64 bytes', DOC.binary, { BinaryEquals: { 'x:blob': 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' } }, { 'x:blob': 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' }, 'allowed'),
  when('BinaryEquals: different bytes', DOC.binary, { BinaryEquals: { 'x:blob': 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' } }, { 'x:blob': 'T3RoZXI=' }, 'implicitDeny'),

  // IP addresses.
  when('IpAddress: inside the IPv4 range', DOC.ip, { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, { 'aws:SourceIp': '203.0.113.77' }, 'allowed'),
  when('IpAddress: outside the IPv4 range', DOC.ip, { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, { 'aws:SourceIp': '198.51.100.7' }, 'implicitDeny'),
  when('IpAddress: an address without prefix means /32', DOC.ip, { IpAddress: { 'aws:SourceIp': '203.0.113.5' } }, { 'aws:SourceIp': '203.0.113.6' }, 'implicitDeny'),
  when('IpAddress: IPv6 range', DOC.ip, { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:DB8:1234:5678::/64'] } }, { 'aws:SourceIp': '2001:db8:1234:5678:abcd::1' }, 'allowed'),
  when('IpAddress: IPv6 outside the /64', DOC.ip, { IpAddress: { 'aws:SourceIp': '2001:DB8:1234:5678::/64' } }, { 'aws:SourceIp': '2001:db8:1234:5679::1' }, 'implicitDeny'),
  when('IpAddress: missing aws:SourceIp (VPC endpoint) is false', DOC.keySourceIp, { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, {}, 'implicitDeny'),
  unless('NotIpAddress deny: caller outside the corporate range is denied', DOC.ip, { NotIpAddress: { 'aws:SourceIp': '192.0.2.0/24' } }, { 'aws:SourceIp': '198.51.100.7' }, 'explicitDeny'),
  unless('NotIpAddress deny: caller inside the range passes', DOC.ip, { NotIpAddress: { 'aws:SourceIp': '192.0.2.0/24' } }, { 'aws:SourceIp': '192.0.2.10' }, 'allowed'),

  // ARN operators.
  when('ArnEquals on aws:SourceArn', DOC.arn, { ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:us-east-2:123456789012:topic' } }, { 'aws:SourceArn': 'arn:aws:sns:us-east-2:123456789012:topic' }, 'allowed'),
  when('ArnLike with wildcards per segment', DOC.arn, { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/app/*' } }, { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/app/reader' }, 'allowed'),
  when('ArnLike: a * does not cross a segment (StringLike would)', DOC.arn, { ArnLike: { 'x:arn': 'arn:aws:someservice:*:111122223333:finance/*' } }, { 'x:arn': 'arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt' }, 'implicitDeny'),
  when('StringLike: the same pattern matches across colons', DOC.arn, { StringLike: { 'x:arn': 'arn:aws:someservice:*:111122223333:finance/*' } }, { 'x:arn': 'arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt' }, 'allowed'),
  when('ArnEquals is case-sensitive', DOC.arn, { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:user/Alice' } }, { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:user/alice' }, 'implicitDeny'),
  when('ArnLike: missing key is false', DOC.arn, { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*:*:*' } }, {}, 'implicitDeny'),
  unless('ArnNotEquals deny exempts the named principal', DOC.principalAll, { ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:user/alice' } }, { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:user/alice' }, 'allowed'),
  unless('ArnNotEquals deny denies everyone else', DOC.principalAll, { ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:user/alice' } }, { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:user/bob' }, 'explicitDeny'),

  // ...IfExists and Null.
  when('StringLikeIfExists: key missing is true', DOC.ifExists, { StringLikeIfExists: { 'ec2:InstanceType': ['t1.*', 't2.*', 'm3.*'] } }, {}, 'allowed'),
  when('StringLikeIfExists: key present and matching', DOC.ifExists, { StringLikeIfExists: { 'ec2:InstanceType': ['t1.*', 't2.*', 'm3.*'] } }, { 'ec2:InstanceType': 't2.micro' }, 'allowed'),
  when('StringLikeIfExists: key present and not matching', DOC.ifExists, { StringLikeIfExists: { 'ec2:InstanceType': ['t1.*', 't2.*', 'm3.*'] } }, { 'ec2:InstanceType': 'm5.large' }, 'implicitDeny'),
  unless('StringNotEqualsIfExists deny: key missing still denies', DOC.ifExists, { StringNotEqualsIfExists: { 'aws:RequestTag/team': 'blue' } }, {}, 'explicitDeny'),
  when('Null true: key absent (long-term credentials)', DOC.null, { Null: { 'aws:TokenIssueTime': 'true' } }, {}, 'allowed'),
  when('Null true: key present is false', DOC.null, { Null: { 'aws:TokenIssueTime': 'true' } }, { 'aws:TokenIssueTime': '2024-03-01T10:00:00Z' }, 'implicitDeny'),
  when('Null false: key present', DOC.null, { Null: { 'aws:TokenIssueTime': 'false' } }, { 'aws:TokenIssueTime': '2024-03-01T10:00:00Z' }, 'allowed'),
  when('Null false: key absent is false', DOC.null, { Null: { 'aws:TokenIssueTime': 'false' } }, {}, 'implicitDeny'),

  // Several operators and keys: AND.
  when('two operators: both must hold', DOC.multiEval, { StringEqualsIgnoreCase: { 'aws:PrincipalTag/department': ['finance', 'hr', 'legal'], 'aws:PrincipalTag/role': ['audit', 'security'] }, StringEquals: { 'aws:PrincipalAccount': '123456789012' } }, { 'aws:PrincipalTag/department': 'HR', 'aws:PrincipalTag/role': 'audit', 'aws:PrincipalAccount': '123456789012' }, 'allowed'),
  when('two operators: one fails', DOC.multiEval, { StringEqualsIgnoreCase: { 'aws:PrincipalTag/department': ['finance', 'hr', 'legal'], 'aws:PrincipalTag/role': ['audit', 'security'] }, StringEquals: { 'aws:PrincipalAccount': '123456789012' } }, { 'aws:PrincipalTag/department': 'HR', 'aws:PrincipalTag/role': 'dev', 'aws:PrincipalAccount': '123456789012' }, 'implicitDeny'),

  // Set operators over multivalued keys.
  when('ForAllValues: every requested attribute is listed', DOC.setEval, { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['PostDateTime', 'Message', 'Tags'] } }, { 'dynamodb:Attributes': ['Message', 'Tags'] }, 'allowed'),
  when('ForAllValues: one requested attribute is not listed', DOC.setEval, { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['PostDateTime', 'Message', 'Tags'] } }, { 'dynamodb:Attributes': ['PostDateTime', 'UserName'] }, 'implicitDeny'),
  when('ForAllValues: no key in the request is true', DOC.setOps, { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['environment', 'cost-center'] } }, {}, 'allowed'),
  when('ForAllValues: an empty set is true', DOC.setOps, { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['environment'] } }, { 'aws:TagKeys': [] }, 'allowed'),
  when('ForAnyValue: one value matches', DOC.setEval, { 'ForAnyValue:StringEquals': { 'dynamodb:Attributes': ['ID', 'PostDateTime'] } }, { 'dynamodb:Attributes': ['PostDateTime', 'Message'] }, 'allowed'),
  when('ForAnyValue: no value matches', DOC.setEval, { 'ForAnyValue:StringEquals': { 'dynamodb:Attributes': ['ID', 'PostDateTime'] } }, { 'dynamodb:Attributes': ['UserName'] }, 'implicitDeny'),
  when('ForAnyValue: no key in the request is false', DOC.setOps, { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['environment'] } }, {}, 'implicitDeny'),
  when('ForAnyValue:StringLike on aws:TagKeys', DOC.keyTagKeys, { 'ForAnyValue:StringLike': { 'aws:TagKeys': 'env*' } }, { 'aws:TagKeys': ['owner', 'environment'] }, 'allowed'),
  unless('ForAnyValue deny on forbidden attributes', DOC.setEval, { 'ForAnyValue:StringEquals': { 'dynamodb:Attributes': ['ID', 'PostDateTime'] } }, { 'dynamodb:Attributes': ['PostDateTime', 'Message'] }, 'explicitDeny'),
  unless('ForAllValues:StringNotEquals deny: none of the values is listed', DOC.setOps, { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['environment'] } }, { 'aws:TagKeys': ['owner', 'project'] }, 'explicitDeny'),
  unless('ForAnyValue:StringNotEquals deny: some value outside the list', DOC.setOps, { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['environment', 'owner'] } }, { 'aws:TagKeys': ['owner', 'project'] }, 'explicitDeny'),
  unless('ForAnyValue:StringNotEquals deny: all values listed', DOC.setOps, { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['environment', 'owner'] } }, { 'aws:TagKeys': ['owner'] }, 'allowed'),
  when('aws:CalledVia: ForAnyValue on the calling services', DOC.keyCalledVia, { 'ForAnyValue:StringEquals': { 'aws:CalledVia': 'athena.amazonaws.com' } }, { 'aws:CalledVia': ['athena.amazonaws.com'] }, 'allowed'),
];
