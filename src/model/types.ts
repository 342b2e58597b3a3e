/**
 * The shape of a botocore service model (`models/<svc>/service-2.json`), as far as Coffer reads
 * it. The models are AWS's own description of every operation and how it is put on the wire; the
 * protocol codecs are driven by them, so these types are the contract between the two.
 */

export type ShapeType =
  | 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'float' | 'double'
  | 'boolean' | 'timestamp' | 'blob';

/** Where a member travels in a REST request or response. Absent: the body. */
export type Location = 'header' | 'headers' | 'querystring' | 'uri' | 'statusCode';

/** A reference to a shape from a member, an operation input/output or an error. */
export interface ShapeRef {
  shape: string;
  location?: Location;
  locationName?: string;
  queryName?: string;
  flattened?: boolean;
  xmlNamespace?: { uri: string; prefix?: string };
  xmlAttribute?: boolean;
  jsonvalue?: boolean;
  timestampFormat?: 'iso8601' | 'rfc822' | 'unixTimestamp';
  idempotencyToken?: boolean;
  streaming?: boolean;
  hostLabel?: boolean;
  eventpayload?: boolean;
  /** Output only: the wrapper element of Query responses (`<GetCallerIdentityResult>`). */
  resultWrapper?: string;
}

export interface Shape {
  type: ShapeType;
  members?: Record<string, ShapeRef>;
  required?: string[];
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  payload?: string;
  flattened?: boolean;
  locationName?: string;
  streaming?: boolean;
  sensitive?: boolean;
  timestampFormat?: 'iso8601' | 'rfc822' | 'unixTimestamp';
  xmlNamespace?: { uri: string; prefix?: string };
  exception?: boolean;
  fault?: boolean;
  union?: boolean;
  document?: boolean;
  event?: boolean;
  eventstream?: boolean;
  error?: { code?: string; httpStatusCode?: number; senderFault?: boolean };
}

export interface Operation {
  name: string;
  http: { method: string; requestUri: string; responseCode?: number };
  input?: ShapeRef;
  output?: ShapeRef;
  errors?: ShapeRef[];
  httpChecksum?: { requestChecksumRequired?: boolean; requestAlgorithmMember?: string; requestValidationModeMember?: string; responseAlgorithms?: string[] };
  httpChecksumRequired?: boolean;
  authtype?: string;
  deprecated?: boolean;
}

export interface ServiceMetadata {
  apiVersion: string;
  endpointPrefix: string;
  protocol: 'json' | 'rest-xml' | 'query' | 'ec2' | 'rest-json';
  jsonVersion?: string;
  targetPrefix?: string;
  serviceId: string;
  signingName?: string;
  xmlNamespace?: string;
}

export interface ServiceModel {
  metadata: ServiceMetadata;
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
}
