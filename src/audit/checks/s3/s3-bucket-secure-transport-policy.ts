import { fail, judge, pass } from '../lib/results.js';
import { perBucket } from '../lib/s3.js';
import { actionMatches, principalIsEveryone, statements, type Statement } from '../lib/policy.js';
import type { Check } from '../types.js';

/** A Deny for everyone of object writes (at least) when aws:SecureTransport is false. */
function deniesInsecureTransport(s: Statement): boolean {
  if (s.effect !== 'Deny' || !principalIsEveryone(s) || !s.actions.some((a) => actionMatches(a, 's3:PutObject'))) return false;
  return Object.entries(s.condition ?? {}).some(([operator, keys]) => /^Bool(IfExists)?$/i.test(operator)
    && Object.entries(keys ?? {}).some(([k, v]) => k.toLowerCase() === 'aws:securetransport' && [v].flat().map(String).includes('false')));
}

/** Bucket policies must refuse plain HTTP (CIS 2.1.1). */
export const check: Check = {
  id: 's3_bucket_secure_transport_policy',
  title: 'S3 bucket policy denies requests over insecure transport',
  severity: 'medium',
  service: 's3',
  resourceType: 'AwsS3Bucket',
  cis: ['2.1.1'],
  risk: 'Requests over plain HTTP expose data and credentials-derived signatures to anyone on the path.',
  remediation: 'Add a statement denying s3:* to Principal "*" when aws:SecureTransport is false.',
  cli: 'aws s3api put-bucket-policy --bucket <bucket> --policy \'{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::<bucket>","arn:aws:s3:::<bucket>/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}\'',
  url: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html#transit',
  uses: ['s3'],
  run: (inv) => perBucket(inv, (b, r) => judge(b.policy, r, (policy) => {
    if (!policy) return [fail(r, `S3 Bucket ${b.name} does not have a bucket policy, thus it allows HTTP requests.`)];
    return [statements(policy).some(deniesInsecureTransport)
      ? pass(r, `S3 Bucket ${b.name} has a bucket policy to deny requests over insecure transport.`)
      : fail(r, `S3 Bucket ${b.name} allows requests over insecure transport in the bucket policy.`)];
  })),
};
