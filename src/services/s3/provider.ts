/**
 * The S3 provider: the generated S3Api's operations, each delegated to its ops/ module.
 * Operations not listed are answered NotImplemented by the gateway.
 */
import type { S3Api } from '../../generated/s3/api.js';
import type * as S from '../../generated/s3/shapes.js';
import type { RequestContext } from '../../server/context.js';
import { getBucketAcl, getObjectAcl, putBucketAcl, putObjectAcl } from './ops/acl.js';
import * as settings from './ops/bucket-settings.js';
import { createBucket, deleteBucket, getBucketLocation, headBucket, listBuckets } from './ops/buckets.js';
import { copyObject } from './ops/copy.js';
import { corsPreflight, corsResponseHeaders, deleteBucketCors, getBucketCors, putBucketCors, type PreflightInput } from './ops/cors.js';
import { deleteBucketEncryption, getBucketEncryption, putBucketEncryption } from './ops/encryption-config.js';
import { listObjects, listObjectsV2, listObjectVersions } from './ops/listing.js';
import { deleteObjectTagging, getObjectTagging, putObjectTagging } from './ops/object-tagging.js';
import { deleteObject, deleteObjects } from './ops/objects-delete.js';
import { getObject, headObject } from './ops/objects-read.js';
import { putObject } from './ops/objects-write.js';
import { getObjectAttributes } from './ops/attributes.js';
import { abortMultipartUpload, createMultipartUpload, uploadPart } from './ops/multipart.js';
import { completeMultipartUpload } from './ops/multipart-complete.js';
import { uploadPartCopy } from './ops/multipart-copy.js';
import { listMultipartUploads, listParts } from './ops/multipart-list.js';
import { deleteBucketPolicy, getBucketPolicy, getBucketPolicyStatus, putBucketPolicy } from './ops/policy.js';
import type { S3Deps } from './context.js';
import { postObject, postObjectInput } from './ops/post-object.js';
import type { PostPolicyAuth } from '../../auth/post-policy.js';
import type { WireResponse } from '../../protocols/types.js';
import type { PostForm } from '../../server/post-form.js';

/** The operations this provider implements. */
type Implemented =
  | 'createBucket' | 'headBucket' | 'deleteBucket' | 'listBuckets' | 'getBucketLocation'
  | 'putBucketVersioning' | 'getBucketVersioning' | 'putBucketTagging' | 'getBucketTagging' | 'deleteBucketTagging'
  | 'putBucketCors' | 'getBucketCors' | 'deleteBucketCors'
  | 'putBucketOwnershipControls' | 'getBucketOwnershipControls' | 'deleteBucketOwnershipControls'
  | 'getBucketAcl' | 'putBucketAcl' | 'putBucketPolicy' | 'getBucketPolicy' | 'deleteBucketPolicy' | 'getBucketPolicyStatus'
  | 'putPublicAccessBlock' | 'getPublicAccessBlock' | 'deletePublicAccessBlock'
  | 'putBucketEncryption' | 'getBucketEncryption' | 'deleteBucketEncryption'
  | 'putObject' | 'getObject' | 'headObject' | 'deleteObject' | 'deleteObjects' | 'copyObject'
  | 'putObjectTagging' | 'getObjectTagging' | 'deleteObjectTagging' | 'getObjectAcl' | 'putObjectAcl'
  | 'listObjects' | 'listObjectsV2' | 'listObjectVersions'
  | 'createMultipartUpload' | 'uploadPart' | 'uploadPartCopy' | 'completeMultipartUpload' | 'abortMultipartUpload'
  | 'listParts' | 'listMultipartUploads' | 'getObjectAttributes';

export class S3Provider implements Pick<S3Api, Implemented> {
  constructor(private readonly deps: S3Deps) {}

  createBucket(ctx: RequestContext, input: S.CreateBucketRequest) { return createBucket(this.deps, ctx, input); }
  headBucket(ctx: RequestContext, input: S.HeadBucketRequest) { return headBucket(this.deps, ctx, input); }
  deleteBucket(ctx: RequestContext, input: S.DeleteBucketRequest) { return deleteBucket(this.deps, ctx, input); }
  listBuckets(ctx: RequestContext, input: S.ListBucketsRequest) { return listBuckets(this.deps, ctx, input); }
  getBucketLocation(ctx: RequestContext, input: S.GetBucketLocationRequest) { return getBucketLocation(this.deps, ctx, input); }
  putBucketVersioning(ctx: RequestContext, input: S.PutBucketVersioningRequest) { return settings.putBucketVersioning(this.deps, ctx, input); }
  getBucketVersioning(ctx: RequestContext, input: S.GetBucketVersioningRequest) { return settings.getBucketVersioning(this.deps, ctx, input); }
  putBucketTagging(ctx: RequestContext, input: S.PutBucketTaggingRequest) { return settings.putBucketTagging(this.deps, ctx, input); }
  getBucketTagging(ctx: RequestContext, input: S.GetBucketTaggingRequest) { return settings.getBucketTagging(this.deps, ctx, input); }
  deleteBucketTagging(ctx: RequestContext, input: S.DeleteBucketTaggingRequest) { return settings.deleteBucketTagging(this.deps, ctx, input); }
  putBucketCors(ctx: RequestContext, input: S.PutBucketCorsRequest) { return putBucketCors(this.deps, ctx, input); }
  getBucketCors(ctx: RequestContext, input: S.GetBucketCorsRequest) { return getBucketCors(this.deps, ctx, input); }
  deleteBucketCors(ctx: RequestContext, input: S.DeleteBucketCorsRequest) { return deleteBucketCors(this.deps, ctx, input); }
  putBucketOwnershipControls(ctx: RequestContext, input: S.PutBucketOwnershipControlsRequest) { return settings.putBucketOwnershipControls(this.deps, ctx, input); }
  getBucketOwnershipControls(ctx: RequestContext, input: S.GetBucketOwnershipControlsRequest) { return settings.getBucketOwnershipControls(this.deps, ctx, input); }
  deleteBucketOwnershipControls(ctx: RequestContext, input: S.DeleteBucketOwnershipControlsRequest) { return settings.deleteBucketOwnershipControls(this.deps, ctx, input); }
  getBucketAcl(ctx: RequestContext, input: S.GetBucketAclRequest) { return getBucketAcl(this.deps, ctx, input); }
  putBucketAcl(ctx: RequestContext, input: S.PutBucketAclRequest) { return putBucketAcl(this.deps, ctx, input); }
  putBucketPolicy(ctx: RequestContext, input: S.PutBucketPolicyRequest) { return putBucketPolicy(this.deps, ctx, input); }
  getBucketPolicy(ctx: RequestContext, input: S.GetBucketPolicyRequest) { return getBucketPolicy(this.deps, ctx, input); }
  deleteBucketPolicy(ctx: RequestContext, input: S.DeleteBucketPolicyRequest) { return deleteBucketPolicy(this.deps, ctx, input); }
  getBucketPolicyStatus(ctx: RequestContext, input: S.GetBucketPolicyStatusRequest) { return getBucketPolicyStatus(this.deps, ctx, input); }
  putPublicAccessBlock(ctx: RequestContext, input: S.PutPublicAccessBlockRequest) { return settings.putPublicAccessBlock(this.deps, ctx, input); }
  getPublicAccessBlock(ctx: RequestContext, input: S.GetPublicAccessBlockRequest) { return settings.getPublicAccessBlock(this.deps, ctx, input); }
  deletePublicAccessBlock(ctx: RequestContext, input: S.DeletePublicAccessBlockRequest) { return settings.deletePublicAccessBlock(this.deps, ctx, input); }
  putBucketEncryption(ctx: RequestContext, input: S.PutBucketEncryptionRequest) { return putBucketEncryption(this.deps, ctx, input); }
  getBucketEncryption(ctx: RequestContext, input: S.GetBucketEncryptionRequest) { return getBucketEncryption(this.deps, ctx, input); }
  deleteBucketEncryption(ctx: RequestContext, input: S.DeleteBucketEncryptionRequest) { return deleteBucketEncryption(this.deps, ctx, input); }
  putObject(ctx: RequestContext, input: S.PutObjectRequest) { return putObject(this.deps, ctx, input); }
  getObject(ctx: RequestContext, input: S.GetObjectRequest) { return getObject(this.deps, ctx, input); }
  headObject(ctx: RequestContext, input: S.HeadObjectRequest) { return headObject(this.deps, ctx, input); }
  deleteObject(ctx: RequestContext, input: S.DeleteObjectRequest) { return deleteObject(this.deps, ctx, input); }
  deleteObjects(ctx: RequestContext, input: S.DeleteObjectsRequest) { return deleteObjects(this.deps, ctx, input); }
  copyObject(ctx: RequestContext, input: S.CopyObjectRequest) { return copyObject(this.deps, ctx, input); }
  putObjectTagging(ctx: RequestContext, input: S.PutObjectTaggingRequest) { return putObjectTagging(this.deps, ctx, input); }
  getObjectTagging(ctx: RequestContext, input: S.GetObjectTaggingRequest) { return getObjectTagging(this.deps, ctx, input); }
  deleteObjectTagging(ctx: RequestContext, input: S.DeleteObjectTaggingRequest) { return deleteObjectTagging(this.deps, ctx, input); }
  getObjectAcl(ctx: RequestContext, input: S.GetObjectAclRequest) { return getObjectAcl(this.deps, ctx, input); }
  putObjectAcl(ctx: RequestContext, input: S.PutObjectAclRequest) { return putObjectAcl(this.deps, ctx, input); }
  listObjects(ctx: RequestContext, input: S.ListObjectsRequest) { return listObjects(this.deps, ctx, input); }
  listObjectsV2(ctx: RequestContext, input: S.ListObjectsV2Request) { return listObjectsV2(this.deps, ctx, input); }
  listObjectVersions(ctx: RequestContext, input: S.ListObjectVersionsRequest) { return listObjectVersions(this.deps, ctx, input); }
  createMultipartUpload(ctx: RequestContext, input: S.CreateMultipartUploadRequest) { return createMultipartUpload(this.deps, ctx, input); }
  uploadPart(ctx: RequestContext, input: S.UploadPartRequest) { return uploadPart(this.deps, ctx, input); }
  uploadPartCopy(ctx: RequestContext, input: S.UploadPartCopyRequest) { return uploadPartCopy(this.deps, ctx, input); }
  completeMultipartUpload(ctx: RequestContext, input: S.CompleteMultipartUploadRequest) { return completeMultipartUpload(this.deps, ctx, input); }
  abortMultipartUpload(ctx: RequestContext, input: S.AbortMultipartUploadRequest) { return abortMultipartUpload(this.deps, ctx, input); }
  listParts(ctx: RequestContext, input: S.ListPartsRequest) { return listParts(this.deps, ctx, input); }
  listMultipartUploads(ctx: RequestContext, input: S.ListMultipartUploadsRequest) { return listMultipartUploads(this.deps, ctx, input); }
  getObjectAttributes(ctx: RequestContext, input: S.GetObjectAttributesRequest) { return getObjectAttributes(this.deps, ctx, input); }

  /** For the gateway: the PutObject a browser POST form asks for, before it is authorized. */
  postObjectInput(bucket: string, form: PostForm): S.PutObjectRequest {
    return postObjectInput(bucket, form);
  }

  /** For the gateway: a browser POST upload once authorized (the policy checked, the object written, S3's answer). */
  postObject(ctx: RequestContext, input: S.PutObjectRequest, form: PostForm, auth: PostPolicyAuth | null, bucketUrl: string): Promise<WireResponse> {
    return postObject(this.deps, ctx, input, form, auth, bucketUrl);
  }

  /** The answer to an unauthenticated CORS preflight (`OPTIONS`); for the gateway, which routes it here. */
  corsPreflight(req: PreflightInput): Promise<Record<string, string>> {
    return corsPreflight(this.deps, req);
  }

  /** The CORS headers of a response to a cross-origin request on `bucket`; for the gateway. */
  corsResponseHeaders(bucket: string, method: string, origin: string | undefined): Promise<Record<string, string>> {
    return corsResponseHeaders(this.deps, bucket, method, origin);
  }
}
