/**
 * AWS managed policies with their real documents (default versions as AWS published them; source:
 * the policies AWS returns from GetPolicyVersion, as archived by github.com/tenchi-security/camp,
 * September 2025). ReadOnlyAccess and SecurityAudit are long: here they keep only their statements'
 * actions for the services Coffer runs (cloudtrail, ec2, iam, kms, s3, sts), which is what those
 * policies allow on Coffer. They live in code, shared by every account, as AWS shares them.
 */
import type { Policy } from '../../generated/iam/shapes.js';

/** An AWS managed policy: `arn:aws:iam::aws:policy/<name>`. */
export interface AwsManagedPolicy {
  name: string;
  arn: string;
  policyId: string;
  versionId: string;
  createDate: Date;
  updateDate: Date;
  description: string;
  /** The default version's document, as AWS formats it. */
  document: string;
}

interface Entry { name: string; id: string; version: string; created: string; updated: string; description: string; document: object }

const ENTRIES: Entry[] = [
  {
    name: 'AdministratorAccess', id: 'ANPAIWMBCKSKIEE64ZLYK', version: 'v1',
    created: '2015-02-06T18:39:46+00:00', updated: '2015-02-06T18:39:46+00:00',
    description: 'Provides full access to AWS services and resources.',
    document: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: '*', Resource: '*' },
      ],
    },
  },
  {
    name: 'ReadOnlyAccess', id: 'ANPAILL3HVNFSB6DCOWYQ', version: 'v132',
    created: '2015-02-06T18:39:48+00:00', updated: '2025-09-02T21:49:07+00:00',
    description: 'Provides read-only access to AWS services and resources.',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ReadOnlyActionsGroup1',
          Effect: 'Allow',
          Action: [
            'cloudtrail:Describe*', 'cloudtrail:Get*', 'cloudtrail:List*', 'cloudtrail:LookupEvents',
            'ec2:Describe*', 'ec2:DescribeInstanceImageMetadata', 'ec2:Get*', 'ec2:ListImagesInRecycleBin',
            'ec2:ListSnapshotsInRecycleBin', 'ec2:SearchLocalGatewayRoutes',
            'ec2:SearchTransitGatewayRoutes', 'iam:Generate*', 'iam:Get*', 'iam:List*', 'iam:Simulate*',
          ],
          Resource: '*',
        },
        {
          Sid: 'ReadOnlyActionsGroup2',
          Effect: 'Allow',
          Action: [
            'kms:Describe*', 'kms:Get*', 'kms:List*', 's3:DescribeJob', 's3:Get*', 's3:List*',
            'sts:GetAccessKeyInfo', 'sts:GetCallerIdentity', 'sts:GetSessionToken',
          ],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'AmazonS3FullAccess', id: 'ANPAIFIR6V6BVTRAHWINE', version: 'v2',
    created: '2015-02-06T18:40:58+00:00', updated: '2021-09-27T20:16:37+00:00',
    description: 'Provides full access to all buckets via the AWS Management Console.',
    document: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:*', 's3-object-lambda:*'], Resource: '*' },
      ],
    },
  },
  {
    name: 'AmazonS3ReadOnlyAccess', id: 'ANPAIZTJ4DXE7G6AGAE6M', version: 'v3',
    created: '2015-02-06T18:40:59+00:00', updated: '2023-08-10T21:31:39+00:00',
    description: 'Provides read only access to all buckets via the AWS Management Console.',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['s3:Get*', 's3:List*', 's3:Describe*', 's3-object-lambda:Get*', 's3-object-lambda:List*'],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'AWSKeyManagementServicePowerUser', id: 'ANPAJNPP7PPPPMJRV2SA4', version: 'v2',
    created: '2015-02-06T18:40:40+00:00', updated: '2017-03-07T00:55:11+00:00',
    description: 'Provides access to AWS Key Management Service (KMS).',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'kms:CreateAlias', 'kms:CreateKey', 'kms:DeleteAlias', 'kms:Describe*', 'kms:GenerateRandom',
            'kms:Get*', 'kms:List*', 'kms:TagResource', 'kms:UntagResource', 'iam:ListGroups',
            'iam:ListRoles', 'iam:ListUsers',
          ],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'IAMFullAccess', id: 'ANPAI7XKCFMBPM3QQRRVQ', version: 'v2',
    created: '2015-02-06T18:40:38+00:00', updated: '2019-06-21T19:40:00+00:00',
    description: 'Provides full access to IAM via the AWS Management Console.',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'iam:*', 'organizations:DescribeAccount', 'organizations:DescribeOrganization',
            'organizations:DescribeOrganizationalUnit', 'organizations:DescribePolicy',
            'organizations:ListChildren', 'organizations:ListParents', 'organizations:ListPoliciesForTarget',
            'organizations:ListRoots', 'organizations:ListPolicies', 'organizations:ListTargetsForPolicy',
          ],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'IAMReadOnlyAccess', id: 'ANPAJKSO7NDY4T57MWDSQ', version: 'v4',
    created: '2015-02-06T18:40:39+00:00', updated: '2018-01-25T19:11:27+00:00',
    description: 'Provides read only access to IAM via the AWS Management Console.',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'iam:GenerateCredentialReport', 'iam:GenerateServiceLastAccessedDetails', 'iam:Get*',
            'iam:List*', 'iam:SimulateCustomPolicy', 'iam:SimulatePrincipalPolicy',
          ],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'AWSCloudTrail_FullAccess', id: 'ANPAZKAPJZG4CA4SIJQAM', version: 'v3',
    created: '2020-10-08T23:41:15+00:00', updated: '2021-02-22T19:01:00+00:00',
    description: 'Provides full access to AWS CloudTrail.',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['sns:AddPermission', 'sns:CreateTopic', 'sns:SetTopicAttributes', 'sns:GetTopicAttributes'],
          Resource: ['arn:aws:sns:*:*:aws-cloudtrail-logs*'],
        },
        { Effect: 'Allow', Action: ['sns:ListTopics'], Resource: '*' },
        {
          Effect: 'Allow',
          Action: ['s3:CreateBucket', 's3:PutBucketPolicy', 's3:PutBucketPublicAccessBlock'],
          Resource: ['arn:aws:s3:::aws-cloudtrail-logs*'],
        },
        {
          Effect: 'Allow',
          Action: ['s3:ListAllMyBuckets', 's3:GetBucketLocation', 's3:GetBucketPolicy'],
          Resource: '*',
        },
        { Effect: 'Allow', Action: 'cloudtrail:*', Resource: '*' },
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogGroup'],
          Resource: ['arn:aws:logs:*:*:log-group:aws-cloudtrail-logs*'],
        },
        { Effect: 'Allow', Action: ['iam:ListRoles', 'iam:GetRolePolicy', 'iam:GetUser'], Resource: '*' },
        {
          Effect: 'Allow',
          Action: ['iam:PassRole'],
          Resource: '*',
          Condition: { StringEquals: { 'iam:PassedToService': 'cloudtrail.amazonaws.com' } },
        },
        {
          Effect: 'Allow',
          Action: ['kms:CreateKey', 'kms:CreateAlias', 'kms:ListKeys', 'kms:ListAliases'],
          Resource: '*',
        },
        { Effect: 'Allow', Action: ['lambda:ListFunctions'], Resource: '*' },
        { Effect: 'Allow', Action: ['dynamodb:ListGlobalTables', 'dynamodb:ListTables'], Resource: '*' },
      ],
    },
  },
  {
    name: 'AWSCloudTrail_ReadOnlyAccess', id: 'ANPAZKAPJZG4OGLRVUGKM', version: 'v1',
    created: '2022-06-14T17:19:05+00:00', updated: '2022-06-14T17:19:05+00:00',
    description: 'Provides read only access to AWS CloudTrail.',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['cloudtrail:Get*', 'cloudtrail:Describe*', 'cloudtrail:List*', 'cloudtrail:LookupEvents'],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'SecurityAudit', id: 'ANPAIX2T3QCXHR2OGGCTO', version: 'v55',
    created: '2015-02-06T18:41:01+00:00', updated: '2025-09-05T18:04:08+00:00',
    description: 'The security audit template grants access to read security configuration metadata. It is useful for software that audits the configuration of an AWS account.',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'BaseSecurityAuditStatement',
          Effect: 'Allow',
          Action: [
            'cloudtrail:DescribeTrails', 'cloudtrail:GetEventSelectors', 'cloudtrail:GetInsightSelectors',
            'cloudtrail:GetTrail', 'cloudtrail:GetTrailStatus', 'cloudtrail:ListTags',
            'cloudtrail:ListTrails', 'cloudtrail:LookupEvents', 'ec2:Describe*',
            'ec2:GetEbsEncryptionByDefault', 'ec2:GetImageBlockPublicAccessState',
            'ec2:GetManagedPrefixListAssociations', 'ec2:GetManagedPrefixListEntries',
            'ec2:GetNetworkInsightsAccessScopeAnalysisFindings', 'ec2:GetNetworkInsightsAccessScopeContent',
            'ec2:GetTransitGatewayAttachmentPropagations',
            'ec2:GetTransitGatewayMulticastDomainAssociations', 'ec2:GetTransitGatewayPrefixListReferences',
            'ec2:GetTransitGatewayRouteTableAssociations', 'ec2:GetTransitGatewayRouteTablePropagations',
            'ec2:SearchTransitGatewayRoutes', 'iam:GenerateCredentialReport',
            'iam:GenerateServiceLastAccessedDetails', 'iam:Get*', 'iam:List*', 'iam:SimulateCustomPolicy',
            'iam:SimulatePrincipalPolicy', 'kms:Describe*', 'kms:Get*', 'kms:List*', 's3:DescribeJob',
            's3:GetAccelerateConfiguration', 's3:GetAccessGrantsInstanceResourcePolicy', 's3:GetAccessPoint',
            's3:GetAccessPointConfigurationForObjectLambda', 's3:GetAccessPointPolicy',
            's3:GetAccessPointPolicyForObjectLambda', 's3:GetAccessPointPolicyStatus',
            's3:GetAccessPointPolicyStatusForObjectLambda', 's3:GetAccessPointForObjectLambda',
            's3:GetAccountPublicAccessBlock', 's3:GetAnalyticsConfiguration', 's3:GetBucket*',
            's3:GetEncryptionConfiguration', 's3:GetInventoryConfiguration', 's3:GetLifecycleConfiguration',
            's3:GetMetricsConfiguration', 's3:GetMultiRegionAccessPoint',
            's3:GetMultiRegionAccessPointPolicy', 's3:GetMultiRegionAccessPointPolicyStatus',
            's3:GetObjectAcl', 's3:GetObjectTagging', 's3:GetObjectVersionAcl',
            's3:GetReplicationConfiguration', 's3:GetStorageLensGroup', 's3:GetStorageLensConfiguration',
            's3:ListAccessPoints', 's3:ListAllMyBuckets', 's3:ListBucket', 's3:ListMultiRegionAccessPoints',
            's3:ListAccessPointsForObjectLambda', 's3:ListStorageLensGroups', 's3:ListJobs',
            's3:ListCallerAccessGrants', 's3:ListAccessGrantsInstances', 's3:ListAccessGrants',
            's3:ListStorageLensConfigurations', 'sts:GetAccessKeyInfo',
          ],
          Resource: '*',
        },
      ],
    },
  },
];

const BY_ARN = new Map<string, AwsManagedPolicy>(ENTRIES.map((e) => {
  const arn = `arn:aws:iam::aws:policy/${e.name}`;
  return [arn, {
    name: e.name,
    arn,
    policyId: e.id,
    versionId: e.version,
    createDate: new Date(e.created),
    updateDate: new Date(e.updated),
    description: e.description,
    document: JSON.stringify(e.document, null, 4),
  }];
}));

/** Every AWS managed policy Coffer knows, by name. */
export function awsManagedPolicies(): AwsManagedPolicy[] {
  return [...BY_ARN.values()];
}

/** The AWS managed policy with this ARN, if Coffer knows it. */
export function awsManagedPolicy(arn: string): AwsManagedPolicy | undefined {
  return BY_ARN.get(arn);
}

/** Whether an ARN names an AWS managed policy (known or not). */
export function isAwsManagedArn(arn: string): boolean {
  return arn.startsWith('arn:aws:iam::aws:policy/');
}

/** The `Policy` structure of an AWS managed policy; `attachments` counts this account's. */
export function awsPolicyShape(p: AwsManagedPolicy, attachments: number, boundaries: number): Policy {
  return {
    PolicyName: p.name,
    PolicyId: p.policyId,
    Arn: p.arn,
    Path: '/',
    DefaultVersionId: p.versionId,
    AttachmentCount: attachments,
    PermissionsBoundaryUsageCount: boundaries,
    IsAttachable: true,
    Description: p.description,
    CreateDate: p.createDate,
    UpdateDate: p.updateDate,
  };
}
