import type { ActionTable } from '../../authz/types.js';

/** STS operation -> IAM action. https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html */
export const stsActions: ActionTable = {
  // "No permissions are required to perform this operation" (STS API reference).
  GetCallerIdentity: { action: 'sts:GetCallerIdentity', resources: () => ['*'], noPermissionRequired: true },
};
