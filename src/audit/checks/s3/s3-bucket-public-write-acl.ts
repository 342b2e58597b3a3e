import { fail, judge, pass } from '../lib/results.js';
import { aclsIgnored, granteeLabel, perBucket, publicGrants } from '../lib/s3.js';
import type { Check } from '../types.js';

const WRITE_PERMISSIONS = ['WRITE', 'WRITE_ACP', 'FULL_CONTROL'];

/** Bucket ACLs letting everyone (or any AWS user) write objects or change the ACL. */
export const check: Check = {
  id: 's3_bucket_public_write_acl',
  title: 'S3 bucket ACL does not grant write access to Everyone or any AWS customer',
  severity: 'critical',
  service: 's3',
  resourceType: 'AwsS3Bucket',
  cis: [],
  risk: 'Public write lets anyone plant, overwrite or delete objects, or take the bucket over through its ACL.',
  remediation: 'Remove WRITE, WRITE_ACP and FULL_CONTROL grants to AllUsers and AuthenticatedUsers, or disable ACLs.',
  cli: 'aws s3api put-bucket-acl --bucket <bucket> --acl private',
  url: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html',
  uses: ['s3'],
  run: (inv) => perBucket(inv, (b, r, s3) => judge(b.acl, r, (acl) => {
    const writing = publicGrants(acl.grants).filter((g) => WRITE_PERMISSIONS.includes(g.permission));
    if (writing.length === 0) return [pass(r, `S3 Bucket ${b.name} is not publicly writable.`)];
    if (aclsIgnored(b, s3)) return [pass(r, `S3 Bucket ${b.name} grants public write in its ACL, but Block Public Access ignores public ACLs.`)];
    return [fail(r, `S3 Bucket ${b.name} is writable by ${[...new Set(writing.map(granteeLabel))].join(' and ')}.`)];
  })),
};
