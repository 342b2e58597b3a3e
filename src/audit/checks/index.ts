/**
 * The check registry: every check, once. A new check is one file under checks/<service>/ and one
 * import here.
 */
import { check as iamAvoidRootUsage } from './iam/iam-avoid-root-usage.js';
import { check as iamAwsAttachedPolicyNoAdministrativePrivileges } from './iam/iam-aws-attached-policy-no-administrative-privileges.js';
import { check as iamCustomerAttachedPolicyNoAdministrativePrivileges } from './iam/iam-customer-attached-policy-no-administrative-privileges.js';
import { check as iamCustomerUnattachedPolicyNoAdministrativePrivileges } from './iam/iam-customer-unattached-policy-no-administrative-privileges.js';
import { check as iamGroupAdministratorAccessPolicy } from './iam/iam-group-administrator-access-policy.js';
import { check as iamInlinePolicyNoAdministrativePrivileges } from './iam/iam-inline-policy-no-administrative-privileges.js';
import { check as iamInlinePolicyNoFullAccessToCloudtrail } from './iam/iam-inline-policy-no-full-access-to-cloudtrail.js';
import { check as iamInlinePolicyNoFullAccessToKms } from './iam/iam-inline-policy-no-full-access-to-kms.js';
import { check as iamNoCustomPolicyPermissiveRoleAssumption } from './iam/iam-no-custom-policy-permissive-role-assumption.js';
import { check as iamNoExpiredServerCertificatesStored } from './iam/iam-no-expired-server-certificates-stored.js';
import { check as iamNoRootAccessKey } from './iam/iam-no-root-access-key.js';
import { check as iamPasswordPolicyExpiresPasswordsWithin90DaysOrLess } from './iam/iam-password-policy-expires-passwords-within-90-days-or-less.js';
import { check as iamPasswordPolicyLowercase } from './iam/iam-password-policy-lowercase.js';
import { check as iamPasswordPolicyMinimumLength14 } from './iam/iam-password-policy-minimum-length-14.js';
import { check as iamPasswordPolicyNumber } from './iam/iam-password-policy-number.js';
import { check as iamPasswordPolicyReuse24 } from './iam/iam-password-policy-reuse-24.js';
import { check as iamPasswordPolicySymbol } from './iam/iam-password-policy-symbol.js';
import { check as iamPasswordPolicyUppercase } from './iam/iam-password-policy-uppercase.js';
import { check as iamPolicyAttachedOnlyToGroupOrRoles } from './iam/iam-policy-attached-only-to-group-or-roles.js';
import { check as iamPolicyCloudshellAdminNotAttached } from './iam/iam-policy-cloudshell-admin-not-attached.js';
import { check as iamPolicyNoFullAccessToCloudtrail } from './iam/iam-policy-no-full-access-to-cloudtrail.js';
import { check as iamPolicyNoFullAccessToKms } from './iam/iam-policy-no-full-access-to-kms.js';
import { check as iamRoleAdministratoraccessPolicy } from './iam/iam-role-administratoraccess-policy.js';
import { check as iamRoleCrossAccountReadonlyaccessPolicy } from './iam/iam-role-cross-account-readonlyaccess-policy.js';
import { check as iamRoleCrossServiceConfusedDeputyPrevention } from './iam/iam-role-cross-service-confused-deputy-prevention.js';
import { check as iamRootHardwareMfaEnabled } from './iam/iam-root-hardware-mfa-enabled.js';
import { check as iamRootMfaEnabled } from './iam/iam-root-mfa-enabled.js';
import { check as iamRotateAccessKey90Days } from './iam/iam-rotate-access-key-90-days.js';
import { check as iamSecurityauditRoleCreated } from './iam/iam-securityaudit-role-created.js';
import { check as iamSupportRoleCreated } from './iam/iam-support-role-created.js';
import { check as iamUserAccesskeyUnused } from './iam/iam-user-accesskey-unused.js';
import { check as iamUserAdministratorAccessPolicy } from './iam/iam-user-administrator-access-policy.js';
import { check as iamUserConsoleAccessUnused } from './iam/iam-user-console-access-unused.js';
import { check as iamUserHardwareMfaEnabled } from './iam/iam-user-hardware-mfa-enabled.js';
import { check as iamUserMfaEnabledConsoleAccess } from './iam/iam-user-mfa-enabled-console-access.js';
import { check as iamUserNoSetupInitialAccessKey } from './iam/iam-user-no-setup-initial-access-key.js';
import { check as iamUserTwoActiveAccessKey } from './iam/iam-user-two-active-access-key.js';
import { check as s3AccountLevelPublicAccessBlocks } from './s3/s3-account-level-public-access-blocks.js';
import { check as s3BucketAclProhibited } from './s3/s3-bucket-acl-prohibited.js';
import { check as s3BucketCrossAccountAccess } from './s3/s3-bucket-cross-account-access.js';
import { check as s3BucketKmsEncryption } from './s3/s3-bucket-kms-encryption.js';
import { check as s3BucketLevelPublicAccessBlock } from './s3/s3-bucket-level-public-access-block.js';
import { check as s3BucketLifecycleEnabled } from './s3/s3-bucket-lifecycle-enabled.js';
import { check as s3BucketNoMfaDelete } from './s3/s3-bucket-no-mfa-delete.js';
import { check as s3BucketObjectLock } from './s3/s3-bucket-object-lock.js';
import { check as s3BucketObjectVersioning } from './s3/s3-bucket-object-versioning.js';
import { check as s3BucketPolicyPublicWriteAccess } from './s3/s3-bucket-policy-public-write-access.js';
import { check as s3BucketPublicAccess } from './s3/s3-bucket-public-access.js';
import { check as s3BucketPublicListAcl } from './s3/s3-bucket-public-list-acl.js';
import { check as s3BucketPublicWriteAcl } from './s3/s3-bucket-public-write-acl.js';
import { check as s3BucketSecureTransportPolicy } from './s3/s3-bucket-secure-transport-policy.js';
import { check as s3BucketServerAccessLoggingEnabled } from './s3/s3-bucket-server-access-logging-enabled.js';
import { check as kmsCmkAreUsed } from './kms/kms-cmk-are-used.js';
import { check as kmsCmkNotDeletedUnintentionally } from './kms/kms-cmk-not-deleted-unintentionally.js';
import { check as kmsCmkNotMultiRegion } from './kms/kms-cmk-not-multi-region.js';
import { check as kmsCmkRotationEnabled } from './kms/kms-cmk-rotation-enabled.js';
import { check as kmsKeyNotPubliclyAccessible } from './kms/kms-key-not-publicly-accessible.js';
import { check as cloudtrailBucketRequiresMfaDelete } from './cloudtrail/cloudtrail-bucket-requires-mfa-delete.js';
import { check as cloudtrailCloudwatchLoggingEnabled } from './cloudtrail/cloudtrail-cloudwatch-logging-enabled.js';
import { check as cloudtrailInsightsExist } from './cloudtrail/cloudtrail-insights-exist.js';
import { check as cloudtrailKmsEncryptionEnabled } from './cloudtrail/cloudtrail-kms-encryption-enabled.js';
import { check as cloudtrailLogFileValidationEnabled } from './cloudtrail/cloudtrail-log-file-validation-enabled.js';
import { check as cloudtrailLogsS3BucketAccessLoggingEnabled } from './cloudtrail/cloudtrail-logs-s3-bucket-access-logging-enabled.js';
import { check as cloudtrailLogsS3BucketIsNotPubliclyAccessible } from './cloudtrail/cloudtrail-logs-s3-bucket-is-not-publicly-accessible.js';
import { check as cloudtrailMultiRegionEnabledLoggingManagementEvents } from './cloudtrail/cloudtrail-multi-region-enabled-logging-management-events.js';
import { check as cloudtrailMultiRegionEnabled } from './cloudtrail/cloudtrail-multi-region-enabled.js';
import { check as cloudtrailS3DataeventsReadEnabled } from './cloudtrail/cloudtrail-s3-dataevents-read-enabled.js';
import { check as cloudtrailS3DataeventsWriteEnabled } from './cloudtrail/cloudtrail-s3-dataevents-write-enabled.js';
import { check as ec2EbsDefaultEncryption } from './ec2/ec2-ebs-default-encryption.js';
import { check as ec2EbsPublicSnapshot } from './ec2/ec2-ebs-public-snapshot.js';
import { check as ec2EbsSnapshotAccountBlockPublicAccess } from './ec2/ec2-ebs-snapshot-account-block-public-access.js';
import { check as ec2EbsSnapshotsEncrypted } from './ec2/ec2-ebs-snapshots-encrypted.js';
import { check as ec2EbsVolumeEncryption } from './ec2/ec2-ebs-volume-encryption.js';
import { check as ec2InstanceAccountImdsv2Enabled } from './ec2/ec2-instance-account-imdsv2-enabled.js';
import { check as ec2InstanceImdsv2Enabled } from './ec2/ec2-instance-imdsv2-enabled.js';
import { check as ec2InstanceInternetFacingWithInstanceProfile } from './ec2/ec2-instance-internet-facing-with-instance-profile.js';
import { check as ec2InstancePortRdpExposedToInternet } from './ec2/ec2-instance-port-rdp-exposed-to-internet.js';
import { check as ec2InstancePortSshExposedToInternet } from './ec2/ec2-instance-port-ssh-exposed-to-internet.js';
import { check as ec2InstanceProfileAttached } from './ec2/ec2-instance-profile-attached.js';
import { check as ec2InstancePublicIp } from './ec2/ec2-instance-public-ip.js';
import { check as ec2InstanceSecretsUserData } from './ec2/ec2-instance-secrets-user-data.js';
import { check as ec2NetworkaclAllowIngressAnyPort } from './ec2/ec2-networkacl-allow-ingress-any-port.js';
import { check as ec2NetworkaclAllowIngressTcpPort22 } from './ec2/ec2-networkacl-allow-ingress-tcp-port-22.js';
import { check as ec2NetworkaclAllowIngressTcpPort3389 } from './ec2/ec2-networkacl-allow-ingress-tcp-port-3389.js';
import { check as ec2SecuritygroupAllowIngressFromInternetToAllPorts } from './ec2/ec2-securitygroup-allow-ingress-from-internet-to-all-ports.js';
import { check as ec2SecuritygroupAllowIngressFromInternetToAnyPort } from './ec2/ec2-securitygroup-allow-ingress-from-internet-to-any-port.js';
import { check as ec2SecuritygroupAllowIngressFromInternetToHighRiskTcpPorts } from './ec2/ec2-securitygroup-allow-ingress-from-internet-to-high-risk-tcp-ports.js';
import { check as ec2SecuritygroupAllowIngressFromInternetToTcpPort22 } from './ec2/ec2-securitygroup-allow-ingress-from-internet-to-tcp-port-22.js';
import { check as ec2SecuritygroupAllowIngressFromInternetToTcpPort3389 } from './ec2/ec2-securitygroup-allow-ingress-from-internet-to-tcp-port-3389.js';
import { check as ec2SecuritygroupAllowIngressFromInternetToTcpPortElasticsearchKibana920093005601 } from './ec2/ec2-securitygroup-allow-ingress-from-internet-to-tcp-port-elasticsearch-kibana-9200-9300-5601.js';
import { check as ec2SecuritygroupAllowIngressFromInternetToTcpPortFtp2021 } from './ec2/ec2-securitygroup-allow-ingress-from-internet-to-tcp-port-ftp-20-21.js';
import { check as ec2SecuritygroupAllowIngressFromInternetToTcpPortMemcached11211 } from './ec2/ec2-securitygroup-allow-ingress-from-internet-to-tcp-port-memcached-11211.js';
import { check as ec2SecuritygroupAllowIngressFromInternetToTcpPortMongodb2701727018 } from './ec2/ec2-securitygroup-allow-ingress-from-internet-to-tcp-port-mongodb-27017-27018.js';
import { check as ec2SecuritygroupAllowIngressFromInternetToTcpPortMysql3306 } from './ec2/ec2-securitygroup-allow-ingress-from-internet-to-tcp-port-mysql-3306.js';
import { check as ec2SecuritygroupAllowIngressFromInternetToTcpPortPostgres5432 } from './ec2/ec2-securitygroup-allow-ingress-from-internet-to-tcp-port-postgres-5432.js';
import { check as ec2SecuritygroupAllowIngressFromInternetToTcpPortRedis6379 } from './ec2/ec2-securitygroup-allow-ingress-from-internet-to-tcp-port-redis-6379.js';
import { check as ec2SecuritygroupAllowIngressFromInternetToTcpPortTelnet23 } from './ec2/ec2-securitygroup-allow-ingress-from-internet-to-tcp-port-telnet-23.js';
import { check as ec2SecuritygroupAllowWideOpenPublicIpv4 } from './ec2/ec2-securitygroup-allow-wide-open-public-ipv4.js';
import { check as ec2SecuritygroupDefaultRestrictTraffic } from './ec2/ec2-securitygroup-default-restrict-traffic.js';
import { check as vpcFlowLogsEnabled } from './vpc/vpc-flow-logs-enabled.js';
import { AUDIT_SERVICES, type Check } from './types.js';

/** Every check, by service then id. */
export const CHECKS: readonly Check[] = [
  iamAvoidRootUsage,
  iamAwsAttachedPolicyNoAdministrativePrivileges,
  iamCustomerAttachedPolicyNoAdministrativePrivileges,
  iamCustomerUnattachedPolicyNoAdministrativePrivileges,
  iamGroupAdministratorAccessPolicy,
  iamInlinePolicyNoAdministrativePrivileges,
  iamInlinePolicyNoFullAccessToCloudtrail,
  iamInlinePolicyNoFullAccessToKms,
  iamNoCustomPolicyPermissiveRoleAssumption,
  iamNoExpiredServerCertificatesStored,
  iamNoRootAccessKey,
  iamPasswordPolicyExpiresPasswordsWithin90DaysOrLess,
  iamPasswordPolicyLowercase,
  iamPasswordPolicyMinimumLength14,
  iamPasswordPolicyNumber,
  iamPasswordPolicyReuse24,
  iamPasswordPolicySymbol,
  iamPasswordPolicyUppercase,
  iamPolicyAttachedOnlyToGroupOrRoles,
  iamPolicyCloudshellAdminNotAttached,
  iamPolicyNoFullAccessToCloudtrail,
  iamPolicyNoFullAccessToKms,
  iamRoleAdministratoraccessPolicy,
  iamRoleCrossAccountReadonlyaccessPolicy,
  iamRoleCrossServiceConfusedDeputyPrevention,
  iamRootHardwareMfaEnabled,
  iamRootMfaEnabled,
  iamRotateAccessKey90Days,
  iamSecurityauditRoleCreated,
  iamSupportRoleCreated,
  iamUserAccesskeyUnused,
  iamUserAdministratorAccessPolicy,
  iamUserConsoleAccessUnused,
  iamUserHardwareMfaEnabled,
  iamUserMfaEnabledConsoleAccess,
  iamUserNoSetupInitialAccessKey,
  iamUserTwoActiveAccessKey,
  s3AccountLevelPublicAccessBlocks,
  s3BucketAclProhibited,
  s3BucketCrossAccountAccess,
  s3BucketKmsEncryption,
  s3BucketLevelPublicAccessBlock,
  s3BucketLifecycleEnabled,
  s3BucketNoMfaDelete,
  s3BucketObjectLock,
  s3BucketObjectVersioning,
  s3BucketPolicyPublicWriteAccess,
  s3BucketPublicAccess,
  s3BucketPublicListAcl,
  s3BucketPublicWriteAcl,
  s3BucketSecureTransportPolicy,
  s3BucketServerAccessLoggingEnabled,
  kmsCmkAreUsed,
  kmsCmkNotDeletedUnintentionally,
  kmsCmkNotMultiRegion,
  kmsCmkRotationEnabled,
  kmsKeyNotPubliclyAccessible,
  cloudtrailBucketRequiresMfaDelete,
  cloudtrailCloudwatchLoggingEnabled,
  cloudtrailInsightsExist,
  cloudtrailKmsEncryptionEnabled,
  cloudtrailLogFileValidationEnabled,
  cloudtrailLogsS3BucketAccessLoggingEnabled,
  cloudtrailLogsS3BucketIsNotPubliclyAccessible,
  cloudtrailMultiRegionEnabledLoggingManagementEvents,
  cloudtrailMultiRegionEnabled,
  cloudtrailS3DataeventsReadEnabled,
  cloudtrailS3DataeventsWriteEnabled,
  ec2EbsDefaultEncryption,
  ec2EbsPublicSnapshot,
  ec2EbsSnapshotAccountBlockPublicAccess,
  ec2EbsSnapshotsEncrypted,
  ec2EbsVolumeEncryption,
  ec2InstanceAccountImdsv2Enabled,
  ec2InstanceImdsv2Enabled,
  ec2InstanceInternetFacingWithInstanceProfile,
  ec2InstancePortRdpExposedToInternet,
  ec2InstancePortSshExposedToInternet,
  ec2InstanceProfileAttached,
  ec2InstancePublicIp,
  ec2InstanceSecretsUserData,
  ec2NetworkaclAllowIngressAnyPort,
  ec2NetworkaclAllowIngressTcpPort22,
  ec2NetworkaclAllowIngressTcpPort3389,
  ec2SecuritygroupAllowIngressFromInternetToAllPorts,
  ec2SecuritygroupAllowIngressFromInternetToAnyPort,
  ec2SecuritygroupAllowIngressFromInternetToHighRiskTcpPorts,
  ec2SecuritygroupAllowIngressFromInternetToTcpPort22,
  ec2SecuritygroupAllowIngressFromInternetToTcpPort3389,
  ec2SecuritygroupAllowIngressFromInternetToTcpPortElasticsearchKibana920093005601,
  ec2SecuritygroupAllowIngressFromInternetToTcpPortFtp2021,
  ec2SecuritygroupAllowIngressFromInternetToTcpPortMemcached11211,
  ec2SecuritygroupAllowIngressFromInternetToTcpPortMongodb2701727018,
  ec2SecuritygroupAllowIngressFromInternetToTcpPortMysql3306,
  ec2SecuritygroupAllowIngressFromInternetToTcpPortPostgres5432,
  ec2SecuritygroupAllowIngressFromInternetToTcpPortRedis6379,
  ec2SecuritygroupAllowIngressFromInternetToTcpPortTelnet23,
  ec2SecuritygroupAllowWideOpenPublicIpv4,
  ec2SecuritygroupDefaultRestrictTraffic,
  vpcFlowLogsEnabled,
].sort((a, b) => AUDIT_SERVICES.indexOf(a.service) - AUDIT_SERVICES.indexOf(b.service) || a.id.localeCompare(b.id));

/** A check by id. */
export function checkById(id: string): Check | undefined {
  return CHECKS.find((c) => c.id === id);
}
