/**
 * A policy document AWS would refuse. `message` is AWS's wording; each service wraps it in its own
 * error code (IAM `MalformedPolicyDocument`, KMS `MalformedPolicyDocumentException`, S3
 * `MalformedPolicy`).
 */
export class PolicyDocumentError extends Error {
  override readonly name = 'PolicyDocumentError';
}

/** IAM's answer to anything that isn't the policy grammar (bad JSON, unknown elements, wrong types). */
export const SYNTAX_ERROR = 'Syntax errors in policy.';
/** IAM's answer to values that parse as JSON but not as policy values (Effect case, dates, ARN shapes). */
export const LEGACY_PARSING = 'The policy failed legacy parsing';
