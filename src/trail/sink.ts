/**
 * Where trail delivery writes log and digest files: an S3 bucket, written as the CloudTrail
 * service principal (`cloudtrail.amazonaws.com`), so the bucket policy AWS requires of a trail
 * bucket is what lets the write through.
 */
export interface TrailObjectSink {
  /**
   * Stores `body` at `bucket/key` with user metadata (`signature` becomes `x-amz-meta-signature`),
   * encrypted with SSE-KMS under `kmsKeyId` when given. `trail` is who delivers: bucket policies
   * may test it through `aws:SourceArn` and `aws:SourceAccount`.
   */
  putObject(trail: DeliveringTrail, bucket: string, key: string, body: Buffer, metadata: Record<string, string>, kmsKeyId?: string): Promise<void>;
}

export interface DeliveringTrail {
  arn: string;
  accountId: string;
}

/** An in-memory bucket store, for tests. */
export class MemorySink implements TrailObjectSink {
  readonly objects = new Map<string, { body: Buffer; metadata: Record<string, string>; kmsKeyId?: string }>();

  async putObject(_trail: DeliveringTrail, bucket: string, key: string, body: Buffer, metadata: Record<string, string>, kmsKeyId?: string): Promise<void> {
    this.objects.set(`${bucket}/${key}`, { body, metadata, kmsKeyId });
  }
}
