import type { Protocol } from '../auth/auth-errors.js';
import type { AwsError } from '../errors.js';
import { ec2Codec, ec2UnknownActionError } from './ec2.js';
import { jsonCodec, unknownOperationError } from './json.js';
import { queryCodec, unknownActionError } from './query.js';
import { methodNotAllowedError, notImplementedError, restXmlCodec } from './rest-xml.js';
import type { ProtocolCodec } from './types.js';

export type { Protocol };

const CODECS: Record<Protocol, ProtocolCodec> = { json: jsonCodec, 'rest-xml': restXmlCodec, query: queryCodec, ec2: ec2Codec };

/** The one codec of a wire protocol. */
export function codecFor(protocol: Protocol): ProtocolCodec {
  return CODECS[protocol];
}

/** What AWS answers for an operation a service doesn't have (or Coffer doesn't implement yet). */
export function unknownOperation(protocol: Protocol, name: string, apiVersion: string): AwsError {
  switch (protocol) {
    case 'json': return unknownOperationError();
    case 'query': return unknownActionError(name, apiVersion);
    case 'ec2': return ec2UnknownActionError(name);
    case 'rest-xml': return notImplementedError();
  }
}

/** S3's answer to a method + path no operation matches. */
export function methodNotAllowed(): AwsError {
  return methodNotAllowedError();
}
