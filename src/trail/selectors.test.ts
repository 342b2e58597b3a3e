import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trailLogs, type SelectableEvent } from './selectors.js';

const management: SelectableEvent = {
  category: 'Management', readOnly: false, eventSource: 'kms.amazonaws.com', eventName: 'CreateKey', eventType: 'AwsApiCall', resources: [],
};
const putObject: SelectableEvent = {
  category: 'Data', readOnly: false, eventSource: 's3.amazonaws.com', eventName: 'PutObject', eventType: 'AwsApiCall',
  resources: [{ ARN: 'arn:aws:s3:::photos/2024/a.jpg', type: 'AWS::S3::Object' }, { ARN: 'arn:aws:s3:::photos', type: 'AWS::S3::Bucket' }],
};
const listObjects: SelectableEvent = { ...putObject, eventName: 'ListObjects', readOnly: true, resources: [{ ARN: 'arn:aws:s3:::photos', type: 'AWS::S3::Bucket' }] };

describe('event selectors', () => {
  it('by default a trail logs every management event and no data event', () => {
    assert.equal(trailLogs({}, management), true);
    assert.equal(trailLogs({}, { ...management, readOnly: true }), true);
    assert.equal(trailLogs({}, putObject), false);
  });

  it('basic selectors: read/write type, excluded sources, S3 data resources by bucket or prefix', () => {
    const writes = { basic: [{ ReadWriteType: 'WriteOnly' as const, IncludeManagementEvents: true }] };
    assert.equal(trailLogs(writes, management), true);
    assert.equal(trailLogs(writes, { ...management, readOnly: true }), false);
    assert.equal(trailLogs({ basic: [{ ExcludeManagementEventSources: ['kms.amazonaws.com'] }] }, management), false);
    const data = (values: string[]) => ({ basic: [{ IncludeManagementEvents: false, DataResources: [{ Type: 'AWS::S3::Object', Values: values }] }] });
    assert.equal(trailLogs(data(['arn:aws:s3:::photos/']), putObject), true);
    assert.equal(trailLogs(data(['arn:aws:s3:::photos/2024/']), putObject), true);
    assert.equal(trailLogs(data(['arn:aws:s3:::photos/2023/']), putObject), false);
    assert.equal(trailLogs(data(['arn:aws:s3:::other/']), putObject), false);
    assert.equal(trailLogs(data(['arn:aws:s3']), putObject), true);
    assert.equal(trailLogs(data(['arn:aws:s3:::photos/']), listObjects), true);
    assert.equal(trailLogs(data(['arn:aws:s3:::photos/']), management), false);
  });

  it('advanced selectors: every field condition of a selector must hold', () => {
    const s3Writes = { advanced: [{ Name: 's3 writes', FieldSelectors: [
      { Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
      { Field: 'readOnly', Equals: ['false'] }, { Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::photos/'] },
    ] }] };
    assert.equal(trailLogs(s3Writes, putObject), true);
    assert.equal(trailLogs(s3Writes, listObjects), false);
    assert.equal(trailLogs(s3Writes, management), false);
    const notKms = { advanced: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'eventSource', NotEquals: ['kms.amazonaws.com'] }] }] };
    assert.equal(trailLogs(notKms, management), false);
    assert.equal(trailLogs(notKms, { ...management, eventSource: 'iam.amazonaws.com' }), true);
  });
});
