import {
  GetAuthorizersCommand, GetGatewayResponsesCommand, GetResourcesCommand, GetRestApiCommand, GetStagesCommand,
  type Resource,
} from '@aws-sdk/client-api-gateway';
import { DescribeUserPoolCommand, ListUserPoolClientsCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { AwsClients } from '../aws/clients.js';
import { eachRestApi, eachUserPool } from '../aws/pages.js';
import { triggersFired, type FiredTrigger } from '../aws/pool-triggers.js';
import { undefinedIfNotFound } from './refs.js';

/*
 * Read-only look-ups of what already exists, for init --api-id / --user-pool-id and the wizard's lists: the calls
 * of the existing-* kinds, beside their handlers. Nothing here writes.
 */

export interface ApiSummaryRow { id: string; name: string; endpointTypes: string[]; stages: string[] }

export interface MethodFacts {
  path: string;
  method: string;
  authorizationType: string;
  authorizerId?: string | undefined;
  /** The authorizer's name, when the method has one. */
  authorizerName?: string | undefined;
  integrationType?: string | undefined;
  integrationUri?: string | undefined;
}

export interface ApiFacts {
  id: string;
  name: string;
  endpointTypes: string[];
  /** `canary`: a canary release on the stage (part of its requests served by another deployment). */
  stages: Array<{ name: string; deploymentId?: string | undefined; canary?: { deploymentId?: string | undefined; percentTraffic: number } }>;
  methods: MethodFacts[];
  authorizers: Array<{ id: string; name: string; type: string; providerARNs: string[] }>;
  /** Gateway responses the API has customised (the others answer AWS's defaults). */
  customisedResponses: string[];
}

async function allResources(clients: AwsClients, restApiId: string): Promise<Resource[]> {
  const items: Resource[] = [];
  let position: string | undefined;
  do {
    const page = await clients.apigateway.send(new GetResourcesCommand({ restApiId, embed: ['methods'], limit: 500, position }));
    items.push(...(page.items ?? []));
    position = page.position;
  } while (position);
  return items;
}

/** The account's REST APIs in this region (GetRestApis, every page), each with its stages. */
export async function listRestApis(clients: AwsClients): Promise<ApiSummaryRow[]> {
  const rows: ApiSummaryRow[] = [];
  for await (const a of eachRestApi(clients)) if (a.id) rows.push({ id: a.id, name: a.name ?? '', endpointTypes: a.endpointConfiguration?.types ?? [], stages: [] });
  await Promise.all(rows.map(async (r) => {
    r.stages = ((await clients.apigateway.send(new GetStagesCommand({ restApiId: r.id }))).item ?? []).flatMap((s) => (s.stageName ? [s.stageName] : []));
  }));
  return rows.sort((a, b) => a.name.localeCompare(b.name));
}

/** Everything init needs to know about one API; undefined when this region has no API of that id. */
export async function lookupRestApi(clients: AwsClients, restApiId: string): Promise<ApiFacts | undefined> {
  const api = await undefinedIfNotFound(clients.apigateway.send(new GetRestApiCommand({ restApiId })));
  if (!api?.id) return undefined;
  const [resources, stages, authorizers, responses] = await Promise.all([
    allResources(clients, restApiId),
    clients.apigateway.send(new GetStagesCommand({ restApiId })),
    clients.apigateway.send(new GetAuthorizersCommand({ restApiId, limit: 500 })),
    clients.apigateway.send(new GetGatewayResponsesCommand({ restApiId, limit: 500 })),
  ]);
  const auths = (authorizers.items ?? []).map((a) => ({ id: a.id ?? '', name: a.name ?? '', type: a.type ?? '', providerARNs: a.providerARNs ?? [] }));
  const methods: MethodFacts[] = resources.flatMap((r) => Object.entries(r.resourceMethods ?? {}).map(([verb, m]) => ({
    path: r.path ?? '/', method: verb, authorizationType: m.authorizationType ?? 'NONE', authorizerId: m.authorizerId,
    authorizerName: auths.find((a) => a.id === m.authorizerId)?.name, integrationType: m.methodIntegration?.type, integrationUri: m.methodIntegration?.uri,
  })));
  methods.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  return {
    id: api.id, name: api.name ?? '', endpointTypes: api.endpointConfiguration?.types ?? [],
    stages: (stages.item ?? []).flatMap((s) => (s.stageName ? [{
      name: s.stageName, deploymentId: s.deploymentId,
      ...(s.canarySettings ? { canary: { deploymentId: s.canarySettings.deploymentId, percentTraffic: s.canarySettings.percentTraffic ?? 0 } } : {}),
    }] : [])),
    methods, authorizers: auths,
    customisedResponses: (responses.items ?? []).filter((g) => g.defaultResponse === false).flatMap((g) => (g.responseType ? [g.responseType] : [])),
  };
}

export interface PoolSummaryRow { id: string; name: string }

export interface PoolFacts {
  id: string;
  name: string;
  arn: string;
  /** EstimatedNumberOfUsers. */
  users: number;
  /** What users sign in with: UsernameAttributes (email, phone_number), or the username. */
  signIn: Array<'username' | 'email' | 'phone'>;
  passwordPolicy: { minLength: number; requireNumbers: boolean; requireSymbols: boolean; requireUppercase: boolean; requireLowercase: boolean; temporaryPasswordValidityDays: number };
  mfa: 'OFF' | 'OPTIONAL' | 'ON';
  /** Its hosted UI domain prefix (or custom domain), if it has one. */
  domain?: string | undefined;
  clients: Array<{ id: string; name: string }>;
  /** Its Lambda triggers the proof's test user sets off (LambdaConfig; issue 25.7). */
  triggers: FiredTrigger[];
}

/** The account's user pools in this region (ListUserPools, every page). */
export async function listUserPools(clients: AwsClients): Promise<PoolSummaryRow[]> {
  const rows: PoolSummaryRow[] = [];
  for await (const p of eachUserPool(clients)) if (p.Id) rows.push({ id: p.Id, name: p.Name ?? '' });
  return rows.sort((a, b) => a.name.localeCompare(b.name));
}

/** One pool's settings, users count and app clients; undefined when this region has no pool of that id. */
export async function lookupUserPool(clients: AwsClients, userPoolId: string): Promise<PoolFacts | undefined> {
  const pool = (await undefinedIfNotFound(clients.cognito.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }))))?.UserPool;
  if (!pool?.Id) return undefined;
  const appClients: Array<{ id: string; name: string }> = [];
  let token: string | undefined;
  do {
    const page = await clients.cognito.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60, NextToken: token }));
    for (const c of page.UserPoolClients ?? []) if (c.ClientId) appClients.push({ id: c.ClientId, name: c.ClientName ?? '' });
    token = page.NextToken;
  } while (token);
  const attrs = pool.UsernameAttributes ?? [];
  const signIn: PoolFacts['signIn'] = attrs.length ? attrs.map((a) => (a === 'phone_number' ? 'phone' as const : 'email' as const)) : ['username'];
  const pp = pool.Policies?.PasswordPolicy;
  return {
    id: pool.Id, name: pool.Name ?? '', arn: pool.Arn ?? '', users: pool.EstimatedNumberOfUsers ?? 0, signIn,
    passwordPolicy: {
      minLength: pp?.MinimumLength ?? 8, requireNumbers: pp?.RequireNumbers ?? false, requireSymbols: pp?.RequireSymbols ?? false,
      requireUppercase: pp?.RequireUppercase ?? false, requireLowercase: pp?.RequireLowercase ?? false,
      temporaryPasswordValidityDays: pp?.TemporaryPasswordValidityDays ?? 7,
    },
    mfa: pool.MfaConfiguration === 'ON' || pool.MfaConfiguration === 'OPTIONAL' ? pool.MfaConfiguration : 'OFF',
    domain: pool.Domain ?? pool.CustomDomain,
    clients: appClients,
    triggers: triggersFired(pool.LambdaConfig),
  };
}
