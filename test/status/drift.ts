/**
 * Out-of-band changes to a provisioned stack, made the way someone in the console (or the AWS CLI) would: through
 * the SDK, so with the fake installed they land in its memory. Test support only.
 */
import {
  APIGatewayClient, CreateDeploymentCommand, UpdateAuthorizerCommand, UpdateMethodCommand, UpdateStageCommand,
} from '@aws-sdk/client-api-gateway';
import {
  CognitoIdentityProviderClient, DeleteUserPoolCommand, DeleteUserPoolDomainCommand, DescribeUserPoolClientCommand, DescribeUserPoolCommand,
  DescribeUserPoolDomainCommand, UpdateUserPoolClientCommand, UpdateUserPoolCommand, type UpdateUserPoolClientCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { AddPermissionCommand, DeleteFunctionCommand, LambdaClient, RemovePermissionCommand } from '@aws-sdk/client-lambda';
import { liveUpdateInput } from '../../src/resources/user-pool-settings.js';
import type { StateFile } from '../../src/state/schema.js';

export const DRIFTS = [
  'function-deleted', 'authorizer-removed', 'permission-removed', 'stage-moved', 'pool-deleted', 'open-deployment-served', 'preflight-secured',
  // Issue 18's three examples and issue 25's added callback: settings changed outside, each one a path of the spec.
  'password-weakened', 'authorizer-ttl', 'callback-elsewhere', 'callback-added', 'function-public',
] as const;
export type Drift = (typeof DRIFTS)[number];

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'fake-secret-for-tests' };

function out(state: StateFile, node: string, key: string): string {
  const v = state.nodes[node]?.out[key];
  if (!v) throw new Error(`the stack has no ${node}.${key}`);
  return v;
}

/** The first secured method of the stack: [node id, resourceId, httpMethod]. */
export function securedMethod(state: StateFile): { id: string; resourceId: string; httpMethod: string } {
  for (const [id, n] of Object.entries(state.nodes)) {
    const spec = n.spec as { authorizerNode?: string } | undefined;
    if (n.kind === 'api-method' && spec?.authorizerNode && n.out.resourceId && n.out.httpMethod) {
      return { id, resourceId: n.out.resourceId, httpMethod: n.out.httpMethod };
    }
  }
  throw new Error('the stack has no secured method');
}

/** Make one kind of drift on the stack the state file describes. */
export async function makeDrift(drift: Drift, state: StateFile): Promise<void> {
  const region = state.region;
  const apigw = new APIGatewayClient({ region, credentials });
  const restApiId = out(state, 'api', 'apiId');
  const m = securedMethod(state);
  const openMethod = () => apigw.send(new UpdateMethodCommand({
    restApiId, resourceId: m.resourceId, httpMethod: m.httpMethod,
    patchOperations: [{ op: 'replace', path: '/authorizationType', value: 'NONE' }],
  }));
  switch (drift) {
    case 'function-deleted':
      await new LambdaClient({ region, credentials }).send(new DeleteFunctionCommand({ FunctionName: out(state, 'function', 'functionName') }));
      return;
    case 'permission-removed':
      await new LambdaClient({ region, credentials }).send(new RemovePermissionCommand({
        FunctionName: out(state, 'permission', 'functionName'), StatementId: out(state, 'permission', 'statementId'),
      }));
      return;
    case 'authorizer-removed':
      await openMethod();
      return;
    case 'stage-moved': {
      // A second deployment of the same configuration, and the stage moved onto it.
      const d = await apigw.send(new CreateDeploymentCommand({ restApiId, description: 'made in the console' }));
      await apigw.send(new UpdateStageCommand({
        restApiId, stageName: out(state, 'deployment', 'stageName'), patchOperations: [{ op: 'replace', path: '/deploymentId', value: d.id }],
      }));
      return;
    }
    case 'open-deployment-served':
      // Someone opened a method and deployed it to the stage: the API is serving it without the authorizer.
      await openMethod();
      await apigw.send(new CreateDeploymentCommand({ restApiId, stageName: out(state, 'deployment', 'stageName'), description: 'oops' }));
      return;
    case 'preflight-secured': {
      const cors = Object.values(state.nodes).find((n) => n.kind === 'cors-preflight');
      await apigw.send(new UpdateMethodCommand({
        restApiId, resourceId: cors?.out.resourceId, httpMethod: 'OPTIONS',
        patchOperations: [
          { op: 'replace', path: '/authorizationType', value: 'COGNITO_USER_POOLS' },
          { op: 'replace', path: '/authorizerId', value: out(state, 'authorizer', 'authorizerId') },
        ],
      }));
      return;
    }
    case 'password-weakened': {
      // 12 characters with complexity → 6 without; UpdateUserPool resets what it is not given, so the rest is given back.
      const cognito = new CognitoIdentityProviderClient({ region, credentials });
      const pool = (await cognito.send(new DescribeUserPoolCommand({ UserPoolId: out(state, 'pool', 'userPoolId') }))).UserPool!;
      await cognito.send(new UpdateUserPoolCommand({
        ...liveUpdateInput(pool),
        Policies: { PasswordPolicy: { MinimumLength: 6, RequireNumbers: false, RequireSymbols: false, RequireUppercase: false, RequireLowercase: false, TemporaryPasswordValidityDays: 7 } },
      }));
      return;
    }
    case 'authorizer-ttl':
      await apigw.send(new UpdateAuthorizerCommand({
        restApiId, authorizerId: out(state, 'authorizer', 'authorizerId'), patchOperations: [{ op: 'replace', path: '/authorizerResultTtlInSeconds', value: '3600' }],
      }));
      return;
    case 'callback-elsewhere':
    case 'callback-added': {
      const cognito = new CognitoIdentityProviderClient({ region, credentials });
      const ids = { UserPoolId: out(state, 'pool', 'userPoolId'), ClientId: out(state, 'client', 'clientId') };
      const c = (await cognito.send(new DescribeUserPoolClientCommand(ids))).UserPoolClient!;
      const { ClientSecret: _s, CreationDate: _c, LastModifiedDate: _l, ...settings } = c;
      const evil = 'https://evil.example/cb';
      await cognito.send(new UpdateUserPoolClientCommand({
        ...settings, ...ids, CallbackURLs: drift === 'callback-added' ? [...(c.CallbackURLs ?? []), evil] : [evil],
      } as UpdateUserPoolClientCommandInput));
      return;
    }
    case 'function-public':
      // A statement beside ours: anyone may invoke the function.
      await new LambdaClient({ region, credentials }).send(new AddPermissionCommand({
        FunctionName: out(state, 'function', 'functionName'), StatementId: 'public-invoke', Action: 'lambda:InvokeFunction', Principal: '*',
      }));
      return;
    case 'pool-deleted': {
      const cognito = new CognitoIdentityProviderClient({ region, credentials });
      const UserPoolId = out(state, 'pool', 'userPoolId');
      // Cognito refuses to delete a pool that still has a domain.
      const domain = state.nodes.domain?.out.domain;
      if (domain) await cognito.send(new DeleteUserPoolDomainCommand({ Domain: domain, UserPoolId }));
      // ...and deleting a domain takes a while: wait until DescribeUserPoolDomain no longer finds it, as a user would.
      while (domain && (await cognito.send(new DescribeUserPoolDomainCommand({ Domain: domain }))).DomainDescription?.Domain) { /* DELETING */ }
      // ...and a protected pool (secure-api's default) only once its deletion protection is off, as the console asks.
      const pool = (await cognito.send(new DescribeUserPoolCommand({ UserPoolId }))).UserPool;
      if (pool?.DeletionProtection === 'ACTIVE') await cognito.send(new UpdateUserPoolCommand({ ...liveUpdateInput(pool), DeletionProtection: 'INACTIVE' }));
      await cognito.send(new DeleteUserPoolCommand({ UserPoolId }));
      return;
    }
  }
}
