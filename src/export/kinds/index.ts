/**
 * Every resource kind's export, in one mapped type over the kinds: a new kind is a compile error here until it says
 * how it is exported (or that it is the user's and left out).
 */
import type { KindExports } from '../model.js';
import { apiMethodExport, apiResourceExport, authorizerExport, corsPreflightExport, deploymentExport, gatewayResponseExport, restApiExport, stageSettingExport } from './api-gateway.js';
import { identityProviderExport, resourceServerExport, userPoolClientExport, userPoolDomainExport, userPoolExport, userPoolGroupExport } from './cognito.js';
import { iamRoleExport, lambdaFunctionExport, lambdaPermissionExport } from './lambda.js';
import { logGroupExport } from './logs.js';

export const KIND_EXPORTS: KindExports = {
  'iam-role': iamRoleExport,
  'log-group': logGroupExport,
  'lambda-function': lambdaFunctionExport,
  'lambda-permission': lambdaPermissionExport,
  'rest-api': restApiExport,
  'api-resource': apiResourceExport,
  'api-method': apiMethodExport,
  'cors-preflight': corsPreflightExport,
  'gateway-response': gatewayResponseExport,
  'authorizer': authorizerExport,
  'deployment': deploymentExport,
  'stage-setting': stageSettingExport,
  'user-pool': userPoolExport,
  'identity-provider': identityProviderExport,
  'resource-server': resourceServerExport,
  'user-pool-group': userPoolGroupExport,
  'user-pool-client': userPoolClientExport,
  'user-pool-domain': userPoolDomainExport,
  // The user's own resources (issue 12): left out, referred to by their live ids.
  'existing-rest-api': { owner: 'theirs', note: (n) => `REST API ${n.spec.name} (${n.out.apiId ?? n.spec.apiId}) is yours: the export refers to it by id and holds only what secure-api made on it.` },
  'existing-api-resource': { owner: 'theirs', note: (n) => `Resource ${n.spec.path} (${n.out.resourceId ?? '?'}) is part of your API.` },
  'existing-stage': { owner: 'theirs', note: (n) => `Stage ${n.spec.stageName} is yours; deploy your API into it where you manage the API.` },
  'existing-authorizer': { owner: 'theirs', note: (n) => `Authorizer ${n.spec.name} (${n.out.authorizerId ?? '?'}) was already on your API: it is referred to by id.` },
  'secured-method': {
    owner: 'theirs',
    note: (n) => `${n.spec.httpMethod} ${n.spec.path} is your method: secure-api set its authorization to COGNITO_USER_POOLS${n.spec.authorizationScopes.length ? ` (scopes ${n.spec.authorizationScopes.join(' ')})` : ''}; set the same where you manage that method.`,
  },
  'stage-redeploy': { owner: 'theirs', note: (n) => `secure-api deployed your API into stage ${n.spec.stageName} (deployment ${n.out.deploymentId ?? '?'}); the next deployment is yours to make.` },
  'existing-user-pool': { owner: 'theirs', note: (n) => `User pool ${n.spec.name} (${n.out.userPoolId ?? n.spec.userPoolId}) is yours: the export refers to it by id, never recreates it.` },
  'existing-user-pool-client': { owner: 'theirs', note: (n) => `App client ${n.out.clientId ?? n.spec.clientId} is yours.` },
};
