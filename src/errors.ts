/**
 * The one error type every layer throws. A service throws `new AwsError(code, message)` with a code
 * its model lists for the operation; the protocol codec shapes it on the wire as AWS does (JSON
 * `__type`, S3 `<Error>`, Query `<ErrorResponse>`, EC2 `<Response><Errors>`).
 */
export interface AwsErrorOptions {
  /** HTTP status; when absent the codec takes it from the model's error shape, else 400. */
  status?: number;
  /** false for server faults (`Receiver` in Query errors); defaults from the status. */
  senderFault?: boolean;
  /** Extra members AWS puts beside Code and Message (S3 `<BucketName>`, `<ArgumentName>` ...). */
  fields?: Record<string, string>;
  /** Headers AWS sends with this error (e.g. S3 `x-amz-delete-marker`). */
  headers?: Record<string, string>;
}

export class AwsError extends Error {
  readonly code: string;
  readonly status: number | undefined;
  readonly senderFault: boolean | undefined;
  readonly fields: Record<string, string>;
  readonly headers: Record<string, string>;

  constructor(code: string, message: string, options: AwsErrorOptions = {}) {
    super(message);
    this.name = 'AwsError';
    this.code = code;
    this.status = options.status;
    this.senderFault = options.senderFault;
    this.fields = options.fields ?? {};
    this.headers = options.headers ?? {};
  }
}

/** Internal faults become AWS's generic internal error; the stack stays in the log, never on the wire. */
export function internalError(): AwsError {
  return new AwsError('InternalError', 'We encountered an internal error. Please try again.', { status: 500, senderFault: false });
}
