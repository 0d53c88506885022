/**
 * Resolve an exported import id against live AWS (here the installed fake) the way the Terraform provider's importer
 * splits it, per the provider's documented formats: a wrong separator, a swapped part or a stale id finds nothing.
 */
import {
  APIGatewayClient, GetAuthorizerCommand, GetDeploymentCommand, GetGatewayResponseCommand, GetIntegrationCommand,
  GetIntegrationResponseCommand, GetMethodCommand, GetMethodResponseCommand, GetResourceCommand, GetRestApiCommand, GetStageCommand,
} from '@aws-sdk/client-api-gateway';
import {
  CognitoIdentityProviderClient, DescribeIdentityProviderCommand, DescribeResourceServerCommand, GetGroupCommand, DescribeUserPoolClientCommand, DescribeUserPoolCommand, DescribeUserPoolDomainCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetRoleCommand, IAMClient, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { GetFunctionCommand, GetPolicyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';

const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'fake-secret-for-tests' };

/** The documented shape of each type's import id (terraform-provider-aws docs, "Import" section of each resource). */
export const TF_IMPORT_FORMAT: Record<string, RegExp> = {
  aws_api_gateway_rest_api: /^[a-z0-9]+$/,
  aws_api_gateway_resource: /^[a-z0-9]+\/[a-z0-9]+$/,
  aws_api_gateway_method: /^[a-z0-9]+\/[a-z0-9]+\/(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY)$/,
  aws_api_gateway_integration: /^[a-z0-9]+\/[a-z0-9]+\/(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY)$/,
  aws_api_gateway_method_response: /^[a-z0-9]+\/[a-z0-9]+\/(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY)\/[1-5]\d\d$/,
  aws_api_gateway_integration_response: /^[a-z0-9]+\/[a-z0-9]+\/(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY)\/[1-5]\d\d$/,
  aws_api_gateway_gateway_response: /^[a-z0-9]+\/[A-Z_0-9]+$/,
  aws_api_gateway_authorizer: /^[a-z0-9]+\/[a-z0-9]+$/,
  aws_api_gateway_deployment: /^[a-z0-9]+\/[a-z0-9]+$/,
  aws_api_gateway_stage: /^[a-z0-9]+\/[A-Za-z0-9_-]+$/,
  // REST-API-ID/STAGE-NAME/METHOD-PATH (resourceMethodSettingsImport splits it in three).
  aws_api_gateway_method_settings: /^[a-z0-9]+\/[A-Za-z0-9_-]+\/\*\/\*$/,
  aws_cognito_user_pool: /^[a-z]{2}(-[a-z]+)+-\d_[A-Za-z0-9]+$/,
  aws_cognito_user_pool_client: /^[a-z]{2}(-[a-z]+)+-\d_[A-Za-z0-9]+\/[a-z0-9]+$/,
  aws_cognito_identity_provider: /^[a-z]{2}(-[a-z]+)+-\d_[A-Za-z0-9]+:[^:/]+$/,
  aws_cognito_resource_server: /^[a-z]{2}(-[a-z]+)+-\d_[A-Za-z0-9]+\|[^|]+$/,
  aws_cognito_user_pool_domain: /^[a-z0-9-]+$/,
  aws_cognito_user_group: /^[a-z]{2}(-[a-z]+)+-\d_[A-Za-z0-9]+\/[^/]+$/,
  aws_lambda_function: /^[A-Za-z0-9_-]+$/,
  aws_lambda_permission: /^[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+$/,
  aws_iam_role: /^[A-Za-z0-9+=,.@_-]+$/,
  // The group's name (CloudWatch Logs' logGroupName pattern).
  aws_cloudwatch_log_group: /^[.\-_/#A-Za-z0-9]{1,512}$/,
  aws_iam_role_policy_attachment: /^[A-Za-z0-9+=,.@_-]+\/arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/.+$/,
};

/** Whether the import id names a live resource of that type (the calls the provider's importer makes, in kind). */
export async function resolvesLive(type: string, id: string, region: string, clock: { sleep(ms: number): Promise<void> }): Promise<boolean> {
  const api = new APIGatewayClient({ region, credentials: creds });
  const cognito = new CognitoIdentityProviderClient({ region, credentials: creds });
  const lambda = new LambdaClient({ region, credentials: creds });
  const iam = new IAMClient({ region, credentials: creds });
  const logs = new CloudWatchLogsClient({ region, credentials: creds });
  // API Gateway's control-plane quota (10/s, burst 40) holds for these reads too: wait on the fake's clock and retry.
  const get = async <T>(call: () => Promise<T>): Promise<T | undefined> => {
    for (let i = 0; ; i++) {
      try {
        return await call();
      } catch (err) {
        if ((err as { name?: string }).name !== 'TooManyRequestsException' || i >= 10) return undefined;
        await clock.sleep(1000);
      }
    }
  };
  const parts = id.split('/');
  const [a = '', b = '', c = '', d = ''] = parts;
  const ok = async (call: () => Promise<unknown>) => (await get(call)) !== undefined;
  switch (type) {
    case 'aws_api_gateway_rest_api': return ok(() => api.send(new GetRestApiCommand({ restApiId: id })));
    case 'aws_api_gateway_resource': return ok(() => api.send(new GetResourceCommand({ restApiId: a, resourceId: b })));
    case 'aws_api_gateway_method': return ok(() => api.send(new GetMethodCommand({ restApiId: a, resourceId: b, httpMethod: c })));
    case 'aws_api_gateway_integration': return ok(() => api.send(new GetIntegrationCommand({ restApiId: a, resourceId: b, httpMethod: c })));
    case 'aws_api_gateway_method_response': return ok(() => api.send(new GetMethodResponseCommand({ restApiId: a, resourceId: b, httpMethod: c, statusCode: d })));
    case 'aws_api_gateway_integration_response': return ok(() => api.send(new GetIntegrationResponseCommand({ restApiId: a, resourceId: b, httpMethod: c, statusCode: d })));
    case 'aws_api_gateway_gateway_response': {
      const r = await get(() => api.send(new GetGatewayResponseCommand({ restApiId: a, responseType: b as 'DEFAULT_4XX' })));
      // Every DEFAULT_* type answers; only one that was put carries responseParameters.
      return Boolean(r && r.defaultResponse === false);
    }
    case 'aws_api_gateway_authorizer': return ok(() => api.send(new GetAuthorizerCommand({ restApiId: a, authorizerId: b })));
    case 'aws_api_gateway_deployment': return ok(() => api.send(new GetDeploymentCommand({ restApiId: a, deploymentId: b })));
    case 'aws_api_gateway_stage': return ok(() => api.send(new GetStageCommand({ restApiId: a, stageName: b })));
    case 'aws_api_gateway_method_settings': {
      const s = await get(() => api.send(new GetStageCommand({ restApiId: a, stageName: b })));
      return Boolean(s?.methodSettings?.[id.split('/').slice(2).join('/')]);
    }
    case 'aws_cognito_user_pool': return ok(() => cognito.send(new DescribeUserPoolCommand({ UserPoolId: id })));
    case 'aws_cognito_user_pool_client': return ok(() => cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: a, ClientId: b })));
    case 'aws_cognito_identity_provider': {
      const [pool = '', name = ''] = id.split(':');
      return ok(() => cognito.send(new DescribeIdentityProviderCommand({ UserPoolId: pool, ProviderName: name })));
    }
    case 'aws_cognito_user_group': {
      const [pool = '', name = ''] = id.split('/');
      return ok(() => cognito.send(new GetGroupCommand({ UserPoolId: pool, GroupName: name })));
    }
    case 'aws_cognito_resource_server': {
      const [pool = '', identifier = ''] = id.split('|');
      return ok(() => cognito.send(new DescribeResourceServerCommand({ UserPoolId: pool, Identifier: identifier })));
    }
    case 'aws_cognito_user_pool_domain': {
      const r = await get(() => cognito.send(new DescribeUserPoolDomainCommand({ Domain: id })));
      return Boolean(r?.DomainDescription?.UserPoolId);
    }
    case 'aws_lambda_function': return ok(() => lambda.send(new GetFunctionCommand({ FunctionName: id })));
    case 'aws_lambda_permission': {
      const policy = await get(() => lambda.send(new GetPolicyCommand({ FunctionName: a })));
      const statements = (JSON.parse(policy?.Policy ?? '{"Statement":[]}') as { Statement: Array<{ Sid?: string }> }).Statement;
      return statements.some((s) => s.Sid === b);
    }
    case 'aws_iam_role': return ok(() => iam.send(new GetRoleCommand({ RoleName: id })));
    case 'aws_cloudwatch_log_group': {
      const r = await get(() => logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: id })));
      return (r?.logGroups ?? []).some((g) => g.logGroupName === id);
    }
    case 'aws_iam_role_policy_attachment': {
      const role = id.slice(0, id.indexOf('/'));
      const arn = id.slice(id.indexOf('/') + 1);
      const r = await get(() => iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role })));
      return (r?.AttachedPolicies ?? []).some((p) => p.PolicyArn === arn);
    }
    default: throw new Error(`no resolver for ${type}`);
  }
}
