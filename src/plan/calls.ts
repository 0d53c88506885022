import type { ResourceKind } from '../resources/types.js';
import type { AnyPlanNode, Plan } from './specs.js';
import { longestPath } from './build.js';

/** The AWS calls creating one node of each kind makes (service:Action, IAM spelling). */
export function createCalls(n: AnyPlanNode): string[] {
  switch (n.kind) {
    case 'iam-role': return ['iam:CreateRole', ...n.spec.managedPolicyArns.map(() => 'iam:AttachRolePolicy')];
    case 'log-group': return ['logs:CreateLogGroup', 'logs:PutRetentionPolicy'];
    case 'lambda-function': return ['lambda:CreateFunction', 'lambda:GetFunctionConfiguration'];
    case 'lambda-permission': return ['lambda:AddPermission'];
    case 'rest-api': return ['apigateway:CreateRestApi'];
    case 'api-resource': return ['apigateway:CreateResource'];
    case 'api-method':
      return n.spec.integration.type === 'mock'
        ? ['apigateway:PutMethod', 'apigateway:PutIntegration', 'apigateway:PutMethodResponse', 'apigateway:PutIntegrationResponse']
        : ['apigateway:PutMethod', 'apigateway:PutIntegration'];
    case 'cors-preflight': return ['apigateway:PutMethod', 'apigateway:PutMethodResponse', 'apigateway:PutIntegration', 'apigateway:PutIntegrationResponse'];
    case 'gateway-response': return ['apigateway:PutGatewayResponse'];
    case 'authorizer': return ['apigateway:CreateAuthorizer'];
    case 'deployment': return ['apigateway:CreateDeployment'];
    case 'user-pool': return n.spec.mfa.mode !== 'OFF' ? ['cognito-idp:CreateUserPool', 'cognito-idp:SetUserPoolMfaConfig'] : ['cognito-idp:CreateUserPool'];
    case 'identity-provider': return ['cognito-idp:CreateIdentityProvider'];
    case 'resource-server': return ['cognito-idp:CreateResourceServer'];
    case 'user-pool-client': return ['cognito-idp:CreateUserPoolClient'];
    case 'user-pool-domain': return ['cognito-idp:CreateUserPoolDomain'];
    case 'existing-rest-api': return ['apigateway:GetRestApi'];
    case 'existing-api-resource': return ['apigateway:GetResources'];
    case 'existing-stage': return ['apigateway:GetStage'];
    case 'existing-authorizer': return ['apigateway:GetAuthorizers'];
    case 'secured-method': return ['apigateway:GetMethod', 'apigateway:UpdateMethod'];
    case 'stage-redeploy': return ['apigateway:CreateDeployment'];
    case 'existing-user-pool': return ['cognito-idp:DescribeUserPool'];
    case 'existing-user-pool-client': return ['cognito-idp:DescribeUserPoolClient'];
  }
}

/**
 * How many of a node's create calls run one after another: its weight on the critical path. A MOCK method puts
 * its integration and its method response together (see putMockParts).
 */
export function createDepth(n: AnyPlanNode): number {
  const calls = createCalls(n).length;
  const mock = n.kind === 'cors-preflight' || (n.kind === 'api-method' && n.spec.integration.type === 'mock');
  return mock ? calls - 1 : calls;
}

/** The critical path in calls: the longest dependency chain, each node weighing its sequential create calls. */
export function callWeightedDepth(plan: Plan): number {
  return longestPath(plan, createDepth);
}

/** Kinds whose deletion is a call of its own even when the whole stack goes (the rest go with their parent). */
export const TOP_LEVEL_DELETES: Partial<Record<ResourceKind, string[]>> = {
  // Each tagged kind's tags are read first (its handler's `tags`): another stack's resource is left alone (issue 25.4).
  'rest-api': ['apigateway:GetRestApi', 'apigateway:DeleteRestApi'],
  'user-pool-domain': ['cognito-idp:DeleteUserPoolDomain'],
  // Deletion protection (on by default) is turned off just before the pool goes (after the tag read).
  'user-pool': ['cognito-idp:DescribeUserPool', 'cognito-idp:DescribeUserPool', 'cognito-idp:UpdateUserPool', 'cognito-idp:DeleteUserPool'],
  'lambda-function': ['lambda:ListTags', 'lambda:DeleteFunction'],
  'iam-role': ['iam:ListRoleTags', 'iam:ListAttachedRolePolicies', 'iam:DetachRolePolicy', 'iam:DeleteRole'],
  'log-group': ['logs:ListTagsForResource', 'logs:DeleteLogGroup'],
};

/**
 * The reads a clean `init` of a new stack makes before its first create: the search for resources already tagged
 * with the stack (src/orphans/find.ts; a lost state file), then whether each name AWS keeps unique is free
 * (src/orphans/preflight.ts). Nothing found, so no per-resource tag reads follow.
 */
export function ownershipCalls(plan: Plan): string[] {
  const kinds = new Set(plan.nodes.map((n) => n.kind));
  return [
    'tag:GetResources', 'apigateway:GetRestApis', 'iam:ListRoles',
    ...(kinds.has('iam-role') ? ['iam:GetRole'] : []),
    ...(kinds.has('lambda-function') ? ['lambda:GetFunctionConfiguration'] : []),
    ...(kinds.has('user-pool-domain') ? ['cognito-idp:DescribeUserPoolDomain'] : []),
  ];
}

/** Every call a clean `init` of this plan makes, in plan order (plus the account lookup and the ownership reads). */
export function planCalls(plan: Plan): string[] {
  return ['sts:GetCallerIdentity', ...ownershipCalls(plan), ...plan.nodes.flatMap(createCalls)];
}

/**
 * The calls an in-place update of each kind may make (the handler's `update`, in src/resources/*-updates.ts): each
 * reads what is live first, then patches only what differs. Kinds absent here are replaced instead (their
 * delete and create calls are listed already).
 */
export const UPDATE_CALLS: Partial<Record<ResourceKind, string[]>> = {
  'iam-role': [
    'iam:GetRole', 'iam:UpdateRole', 'iam:ListAttachedRolePolicies', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy',
    'iam:ListRoleTags', 'iam:TagRole', 'iam:UntagRole',
  ],
  'rest-api': ['apigateway:GetRestApi', 'apigateway:UpdateRestApi', 'apigateway:TagResource', 'apigateway:UntagResource'],
  'api-method': ['apigateway:GetMethod', 'apigateway:UpdateMethod', 'apigateway:PutIntegration', 'apigateway:PutMethodResponse', 'apigateway:PutIntegrationResponse'],
  'cors-preflight': ['apigateway:GetMethod', 'apigateway:UpdateMethod', 'apigateway:PutIntegration', 'apigateway:PutMethodResponse', 'apigateway:PutIntegrationResponse'],
  'gateway-response': ['apigateway:PutGatewayResponse'],
  'authorizer': ['apigateway:GetAuthorizer', 'apigateway:UpdateAuthorizer'],
  'deployment': ['apigateway:CreateDeployment', 'apigateway:UpdateStage'],
  'user-pool': [
    'cognito-idp:UpdateUserPool', 'cognito-idp:SetUserPoolMfaConfig', 'cognito-idp:DescribeUserPool', 'cognito-idp:GetUserPoolMfaConfig',
    'cognito-idp:TagResource', 'cognito-idp:UntagResource',
  ],
  'lambda-permission': ['lambda:GetPolicy', 'lambda:RemovePermission', 'lambda:AddPermission'],
  'secured-method': ['apigateway:GetMethod', 'apigateway:UpdateMethod'],
  'stage-redeploy': ['apigateway:GetStage', 'apigateway:GetDeployment', 'apigateway:CreateDeployment'],
  'user-pool-client': ['cognito-idp:UpdateUserPoolClient'],
  'identity-provider': ['cognito-idp:UpdateIdentityProvider'],
  'resource-server': ['cognito-idp:UpdateResourceServer'],
  'log-group': ['logs:DescribeLogGroups', 'logs:PutRetentionPolicy', 'logs:ListTagsForResource', 'logs:TagResource', 'logs:UntagResource'],
  'lambda-function': ['lambda:UpdateFunctionConfiguration', 'lambda:GetFunctionConfiguration', 'lambda:ListTags', 'lambda:TagResource', 'lambda:UntagResource'],
};
