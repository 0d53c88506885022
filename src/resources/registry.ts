import type { SpecByKind } from '../plan/specs.js';
import { apiMethodHandler } from './api-method.js';
import { apiResourceHandler } from './api-resource.js';
import { authorizerHandler } from './authorizer.js';
import { corsPreflightHandler } from './cors-preflight.js';
import { deploymentHandler } from './deployment.js';
import { existingApiResourceHandler, existingAuthorizerHandler, existingRestApiHandler } from './existing-api.js';
import { existingUserPoolClientHandler, existingUserPoolHandler } from './existing-pool.js';
import { existingStageHandler, stageRedeployHandler } from './existing-stage.js';
import { gatewayResponseHandler } from './gateway-response.js';
import { iamRoleHandler } from './iam-role.js';
import { identityProviderHandler } from './identity-provider.js';
import { lambdaFunctionHandler } from './lambda-function.js';
import { lambdaPermissionHandler } from './lambda-permission.js';
import { logGroupHandler } from './log-group.js';
import { resourceServerHandler } from './resource-server.js';
import { userPoolGroupHandler } from './user-pool-group.js';
import { restApiHandler } from './rest-api.js';
import { securedMethodHandler } from './secured-method.js';
import { stageSettingHandler } from './stage-setting.js';
import type { ResourceHandler, ResourceKind } from './types.js';
import { userPoolClientHandler } from './user-pool-client.js';
import { userPoolDomainHandler } from './user-pool-domain.js';
import { userPoolHandler } from './user-pool.js';

/** One handler per resource kind; the mapped type makes a missing or mistyped entry a compile error. */
export const handlers: { [K in ResourceKind]: ResourceHandler<SpecByKind[K]> } = {
  'iam-role': iamRoleHandler,
  'log-group': logGroupHandler,
  'lambda-function': lambdaFunctionHandler,
  'lambda-permission': lambdaPermissionHandler,
  'rest-api': restApiHandler,
  'api-resource': apiResourceHandler,
  'api-method': apiMethodHandler,
  'cors-preflight': corsPreflightHandler,
  'gateway-response': gatewayResponseHandler,
  'authorizer': authorizerHandler,
  'deployment': deploymentHandler,
  'stage-setting': stageSettingHandler,
  'user-pool': userPoolHandler,
  'identity-provider': identityProviderHandler,
  'resource-server': resourceServerHandler,
  'user-pool-group': userPoolGroupHandler,
  'user-pool-client': userPoolClientHandler,
  'user-pool-domain': userPoolDomainHandler,
  'existing-rest-api': existingRestApiHandler,
  'existing-api-resource': existingApiResourceHandler,
  'existing-stage': existingStageHandler,
  'existing-authorizer': existingAuthorizerHandler,
  'secured-method': securedMethodHandler,
  'stage-redeploy': stageRedeployHandler,
  'existing-user-pool': existingUserPoolHandler,
  'existing-user-pool-client': existingUserPoolClientHandler,
};

export function handlerFor<K extends ResourceKind>(kind: K): ResourceHandler<SpecByKind[K]> {
  return handlers[kind];
}

/** A kind's handler when the spec comes from a record or a plan node of any kind (the engine's view). */
export const anyHandler = (kind: ResourceKind): ResourceHandler<unknown> => handlers[kind] as ResourceHandler<unknown>;
