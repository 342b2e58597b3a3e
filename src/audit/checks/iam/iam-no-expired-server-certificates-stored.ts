import { fail, judge, pass, withIam } from '../lib/results.js';
import { iamResource } from '../lib/iam.js';
import type { Check } from '../types.js';

/** Expired SSL/TLS server certificates left in IAM. */
export const check: Check = {
  id: 'iam_no_expired_server_certificates_stored',
  title: 'IAM server certificate is not expired',
  severity: 'high',
  service: 'iam',
  resourceType: 'AwsCertificateManagerCertificate',
  cis: ['1.19'],
  risk: 'An expired certificate deployed by mistake (to a load balancer, CloudFront) breaks clients or teaches users to click through warnings.',
  remediation: 'Delete expired server certificates from IAM.',
  cli: 'aws iam delete-server-certificate --server-certificate-name <name>',
  url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_server-certs.html',
  uses: ['iam'],
  run: (inv) => withIam(inv, (iam) => judge(iam.serverCertificates,
    iamResource(`arn:${inv.account.partition}:iam::${inv.account.id}:server-certificate`, 'server-certificates'),
    (certificates) => certificates.map((c) => {
      const r = iamResource(c.arn, c.name);
      return c.expiration && new Date(c.expiration).getTime() < new Date(inv.collectedAt).getTime()
        ? fail(r, `IAM Certificate ${c.name} has expired.`)
        : pass(r, `IAM Certificate ${c.name} is not expired.`);
    }))),
};
