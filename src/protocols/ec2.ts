/**
 * The EC2 codec: Query-style form fields with EC2's own naming (botocore EC2Serializer: lists are
 * `Name.N`, members named by queryName or capitalized locationName), XML out without a Result
 * wrapper, and EC2's `<Response><Errors>` error document.
 */
import { AwsError } from '../errors.js';
import type { Operation, ServiceModel } from '../model/types.js';
import { errorBody, errorFacts, formParams, readParams, type QueryDialect } from './query.js';
import type { EncodeContext, ProtocolCodec, WireRequest, WireResponse } from './types.js';
import { validate } from './validate.js';
import { upperFirst } from './values.js';
import { escapeXml, xmlMembers } from './xml-write.js';

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

function invalidValue(message: string): AwsError {
  return new AwsError('InvalidParameterValue', message, { status: 400 });
}

const ec2Dialect: QueryDialect = {
  memberName: (r, name) => r.queryName ?? (r.locationName ? upperFirst(r.locationName) : name),
  itemPrefix: (_model, _list, prefix, i) => `${prefix}.${i}`,
  badValue: (field, text, type) => invalidValue(`Value${type === 'blob' ? '' : ` (${text})`} for parameter ${field} is invalid.`),
  missing: (field) => new AwsError('MissingParameter', `The request must contain the parameter ${field}`, { status: 400 }),
};

/** The error for an `Action` EC2 does not have. */
export function ec2UnknownActionError(action: string): AwsError {
  return new AwsError('InvalidAction', `The action ${action} is not valid for this web service.`, { status: 400 });
}

/** EC2 answers in its versioned namespace, with the trailing slash the model's metadata lacks. */
function namespace(model: ServiceModel): string {
  const ns = model.metadata.xmlNamespace ?? `http://ec2.amazonaws.com/doc/${model.metadata.apiVersion}`;
  return ns.endsWith('/') ? ns : `${ns}/`;
}

function xmlHeaders(ctx: EncodeContext): Record<string, string> {
  return { 'Content-Type': 'text/xml;charset=UTF-8', 'x-amzn-RequestId': ctx.requestId };
}

/** The EC2 codec. */
export const ec2Codec: ProtocolCodec = {
  decode(model: ServiceModel, op: Operation, req: WireRequest): unknown {
    if (!op.input) return {};
    const input = readParams(model, op.input, formParams(req), ec2Dialect);
    // Missing required fields were reported while reading; EC2 names only the first bad value.
    const [first] = validate(model, op.input, input);
    if (first) {
      const shown = typeof first.value === 'string' || typeof first.value === 'number' ? ` (${first.value})` : '';
      throw invalidValue(`Value${shown} for parameter ${first.path} is invalid. ${first.constraint}`);
    }
    return input;
  },

  encode(model: ServiceModel, op: Operation, output: unknown, ctx: EncodeContext): WireResponse {
    const members = op.output ? xmlMembers(model, op.output.shape, (output ?? {}) as Record<string, unknown>, { ec2: true }) : '';
    const body = `${XML_DECLARATION}<${op.name}Response xmlns="${escapeXml(namespace(model))}">`
      + `<requestId>${escapeXml(ctx.requestId)}</requestId>${members}</${op.name}Response>`;
    return { status: 200, headers: xmlHeaders(ctx), body };
  },

  encodeError(model: ServiceModel, _op: Operation | undefined, err: AwsError, ctx: EncodeContext): WireResponse {
    const { code, status } = errorFacts(model, err);
    const body = `${XML_DECLARATION}<Response><Errors><Error>${errorBody(code, err)}</Error></Errors>`
      + `<RequestID>${escapeXml(ctx.requestId)}</RequestID></Response>`;
    return { status, headers: { ...xmlHeaders(ctx), ...err.headers }, body };
  },
};
