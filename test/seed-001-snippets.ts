/**
 * Seed 001's Python snippets, verbatim, for the tests that run them (test/seed-001.e2e.test.ts,
 * test/iam.e2e.test.ts, test/s3-clients.e2e.test.ts). Only what the reader is told to replace is
 * a parameter.
 */

/** Seed 001's S3 snippet, verbatim. */
export const SEED_001_S3 = `
import boto3

# S3 클라이언트 생성
s3_client = boto3.client('s3')

# 버킷 생성
s3_client.create_bucket(
    Bucket='my-encrypted-bucket',
    ACL='private'
)

# 데이터 업로드
s3_client.put_object(
    Bucket='my-encrypted-bucket',
    Key='secret-data.txt',
    Body=b'My secret data'
)
`;

/**
 * Seed 001's IAM snippet. Its text omits `import json` (callers supply it); by default the key ARN
 * and the user are the seed's placeholders, which the reader replaces with their key's ARN and the
 * user to share with.
 */
export const seed001Iam = (keyArn = 'arn:aws:kms:us-east-1:123456789012:key/12345678-1234-1234-1234-123456789012', userName = 'my-user') => `
import boto3

# IAM 클라이언트 생성
iam_client = boto3.client('iam')

# 정책 생성
policy_document = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": "${keyArn}"
        },
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::my-encrypted-bucket/*"
        }
    ]
}

response = iam_client.create_policy(
    PolicyName='my-policy',
    PolicyDocument=json.dumps(policy_document)
)

# IAM 사용자에 정책 연결
iam_client.attach_user_policy(
    UserName='${userName}',
    PolicyArn=response['Policy']['Arn']
)
`;
