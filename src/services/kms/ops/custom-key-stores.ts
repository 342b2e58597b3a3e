/**
 * Custom key stores (AWS CloudHSM and external key stores). A self-hosted server has no CloudHSM
 * cluster and reaches no external key store proxy, so there are never any custom key stores: the
 * operations answer as AWS does when the thing they name does not exist.
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-store-overview.html
 */
import { AwsError } from '../../../errors.js';
import type * as S from '../../../generated/kms/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import type { KmsDeps } from '../key-lookup.js';

/** AWS's wording for these is not recorded anywhere we can check, so (like Part A's CreateKey) no message. */
const notFound = () => new AwsError('CustomKeyStoreNotFoundException', '');

/**
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateCustomKeyStore.html
 * A CloudHSM key store needs its cluster (CloudHsmClusterNotFoundException); an external key store
 * needs its proxy to answer (XksProxyUriUnreachableException).
 */
export async function createCustomKeyStore(_deps: KmsDeps, _ctx: RequestContext, input: S.CreateCustomKeyStoreRequest): Promise<S.CreateCustomKeyStoreResponse> {
  if (input.CustomKeyStoreType === 'EXTERNAL_KEY_STORE') {
    throw new AwsError('XksProxyUriUnreachableException', '');
  }
  throw new AwsError('CloudHsmClusterNotFoundException', '');
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeCustomKeyStores.html — an empty list, or not found for a named store. */
export async function describeCustomKeyStores(_deps: KmsDeps, _ctx: RequestContext, input: S.DescribeCustomKeyStoresRequest): Promise<S.DescribeCustomKeyStoresResponse> {
  if (input.CustomKeyStoreId !== undefined || input.CustomKeyStoreName !== undefined) throw notFound();
  return { CustomKeyStores: [], Truncated: false };
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_UpdateCustomKeyStore.html */
export async function updateCustomKeyStore(): Promise<S.UpdateCustomKeyStoreResponse> {
  throw notFound();
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_DeleteCustomKeyStore.html */
export async function deleteCustomKeyStore(): Promise<S.DeleteCustomKeyStoreResponse> {
  throw notFound();
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_ConnectCustomKeyStore.html */
export async function connectCustomKeyStore(): Promise<S.ConnectCustomKeyStoreResponse> {
  throw notFound();
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_DisconnectCustomKeyStore.html */
export async function disconnectCustomKeyStore(): Promise<S.DisconnectCustomKeyStoreResponse> {
  throw notFound();
}
