/**
 * What IAM authorizes for one call the fake receives: the action(s), the resource ARN and the request context, as the
 * Service Authorization Reference lists them per action (its "Resource types" and "Condition keys" columns, and the
 * "Dependent actions" a call also needs). The fake's state supplies each resource's tags (aws:ResourceTag/*).
 * - API Gateway: `apigateway:<HTTP verb>` on `arn:aws:apigateway:REGION::<the REST path>`; children of a RestApi
 *   inherit its tags for attribute-based access control ("API Gateway resources that can be tagged"); tagging is
 *   PUT/DELETE on `/tags/<url-encoded ARN>` with the tagged resource's tags.
 * - Cognito user pools: `userpool` ARNs; CreateUserPool, ListUserPools and DescribeUserPoolDomain name no resource
 *   (`*`); CreateUserPool with tags and UpdateUserPool with tags also need cognito-idp:TagResource.
 * - Lambda: `function` ARNs (a name or an ARN in FunctionName); Add/RemovePermission carry `lambda:Principal`;
 *   CreateFunction with Tags also needs lambda:TagResource, and iam:PassRole on its role (`iam:PassedToService`).
 * - IAM: `role` ARNs with the role's path (a role that does not exist has none to show: `role/NAME`); CreateRole with
 *   Tags also needs iam:TagRole; Attach/DetachRolePolicy carry `iam:PolicyARN`.
 * - STS GetCallerIdentity needs no permission ("no permissions are required to perform this operation").
 */
import { iamActionsFor } from '../../src/plan/permissions.js';
import type { IamRequest } from './iam-evaluate.js';
import type { FakeState } from './state.js';

type Input = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const tagContext = (prefix: 'aws:RequestTag' | 'aws:ResourceTag', tags: Record<string, string> | undefined): IamRequest['context'] =>
  Object.fromEntries(Object.entries(tags ?? {}).map(([k, v]) => [`${prefix}/${k}`, v]));
const iamTags = (list: unknown): Record<string, string> =>
  Object.fromEntries((Array.isArray(list) ? list as Array<{ Key?: string; Value?: string }> : []).map((t) => [t.Key ?? '', t.Value ?? '']));

const SERVICE_PREFIX: Record<string, string> = {
  apigateway: 'apigateway', cognito: 'cognito-idp', lambda: 'lambda', iam: 'iam', sts: 'sts', tagging: 'tag', s3: 's3', logs: 'logs',
};

/** The REST path (API Gateway's IAM resource) one call acts on. */
function apigatewayPath(command: string, i: Input): string {
  const api = `/restapis/${str(i.restApiId)}`;
  const method = `${api}/resources/${str(i.resourceId)}/methods/${str(i.httpMethod)}`;
  const paths: Record<string, string> = {
    CreateRestApi: '/restapis', GetRestApis: '/restapis',
    GetRestApi: api, UpdateRestApi: api, DeleteRestApi: api,
    GetResources: `${api}/resources`, CreateResource: `${api}/resources/${str(i.parentId)}`, DeleteResource: `${api}/resources/${str(i.resourceId)}`,
    GetMethod: method, PutMethod: method, UpdateMethod: method, DeleteMethod: method,
    PutIntegration: `${method}/integration`, PutIntegrationResponse: `${method}/integration/responses/${str(i.statusCode)}`,
    PutMethodResponse: `${method}/responses/${str(i.statusCode)}`,
    CreateAuthorizer: `${api}/authorizers`, GetAuthorizers: `${api}/authorizers`,
    GetAuthorizer: `${api}/authorizers/${str(i.authorizerId)}`, UpdateAuthorizer: `${api}/authorizers/${str(i.authorizerId)}`, DeleteAuthorizer: `${api}/authorizers/${str(i.authorizerId)}`,
    CreateDeployment: `${api}/deployments`, GetDeployments: `${api}/deployments`,
    GetDeployment: `${api}/deployments/${str(i.deploymentId)}`, DeleteDeployment: `${api}/deployments/${str(i.deploymentId)}`,
    GetStages: `${api}/stages`, GetStage: `${api}/stages/${str(i.stageName)}`, UpdateStage: `${api}/stages/${str(i.stageName)}`, DeleteStage: `${api}/stages/${str(i.stageName)}`,
    GetGatewayResponses: `${api}/gatewayresponses`, PutGatewayResponse: `${api}/gatewayresponses/${str(i.responseType)}`, DeleteGatewayResponse: `${api}/gatewayresponses/${str(i.responseType)}`,
    GetAccount: '/account', UpdateAccount: '/account',
    GetUsagePlans: '/usageplans', GetUsagePlanKeys: `/usageplans/${str(i.usagePlanId)}/keys`, GetApiKey: `/apikeys/${str(i.apiKey)}`,
    TagResource: `/tags/${encodeURIComponent(str(i.resourceArn))}`, UntagResource: `/tags/${encodeURIComponent(str(i.resourceArn))}`,
  };
  const path = paths[command];
  if (path === undefined) throw new Error(`iam-requests: no REST path modelled for apigateway:${command}`);
  return path;
}

/** The tags an API Gateway path carries for ABAC: its RestApi's (inherited), and a stage's own over them. */
function apigatewayTags(s: FakeState, path: string): Record<string, string> | undefined {
  const target = path.startsWith('/tags/') ? decodeURIComponent(path.slice('/tags/'.length)).replace(/^arn:[^:]+:apigateway:[^:]*::/, '') : path;
  const m = /^\/restapis\/([^/]+)(?:\/stages\/([^/]+))?/.exec(target);
  const api = m ? s.apigateway.apis[m[1]!] : undefined;
  if (!api) return undefined;
  const stage = m?.[2] ? api.stages[m[2]] : undefined;
  return { ...api.tags, ...stage?.tags };
}

function apigateway(s: FakeState, region: string, command: string, i: Input): IamRequest[] {
  const path = apigatewayPath(command, i);
  const context: IamRequest['context'] = { ...tagContext('aws:ResourceTag', apigatewayTags(s, path)) };
  const requestTags = command === 'CreateRestApi' || command === 'TagResource' ? i.tags as Record<string, string> | undefined : undefined;
  Object.assign(context, tagContext('aws:RequestTag', requestTags));
  const keys = requestTags ? Object.keys(requestTags) : command === 'UntagResource' ? i.tagKeys as string[] : undefined;
  if (keys) context['aws:TagKeys'] = keys;
  return iamActionsFor(`apigateway:${command}`).map((action) => ({ action, resource: `arn:aws:apigateway:${region}::${path}`, context }));
}

function cognito(s: FakeState, region: string, command: string, i: Input): IamRequest[] {
  if (command === 'InitiateAuth' || command === 'RespondToAuthChallenge') return [];
  const action = `cognito-idp:${command}`;
  if (['CreateUserPool', 'ListUserPools', 'DescribeUserPoolDomain'].includes(command)) {
    const tags = command === 'CreateUserPool' ? i.UserPoolTags as Record<string, string> | undefined : undefined;
    const context = { ...tagContext('aws:RequestTag', tags), ...(tags ? { 'aws:TagKeys': Object.keys(tags) } : {}) };
    return [{ action, resource: '*', context }, ...(tags ? [{ action: 'cognito-idp:TagResource', resource: '*', context }] : [])];
  }
  const arn = command === 'TagResource' || command === 'UntagResource' ? str(i.ResourceArn) : undefined;
  const id = arn ? arn.slice(arn.lastIndexOf('/') + 1) : str(i.UserPoolId);
  if (!id) throw new Error(`iam-requests: no user pool for cognito-idp:${command}`);
  const pool = s.cognito.pools[id];
  const resource = arn ?? `arn:aws:cognito-idp:${id.split('_')[0] ?? region}:${s.account}:userpool/${id}`;
  const requestTags = command === 'TagResource' ? i.Tags as Record<string, string> : command === 'UpdateUserPool' ? i.UserPoolTags as Record<string, string> | undefined : undefined;
  const context: IamRequest['context'] = { ...tagContext('aws:ResourceTag', pool?.tags), ...tagContext('aws:RequestTag', requestTags) };
  if (requestTags) context['aws:TagKeys'] = Object.keys(requestTags);
  if (command === 'UntagResource') context['aws:TagKeys'] = i.TagKeys as string[];
  return [{ action, resource, context }, ...(command === 'UpdateUserPool' && requestTags ? [{ action: 'cognito-idp:TagResource', resource, context }] : [])];
}

function lambda(s: FakeState, region: string, command: string, i: Input): IamRequest[] {
  const action = `lambda:${command}`;
  if (command === 'ListFunctions') return [{ action, resource: '*', context: {} }];
  const ref = str(i.FunctionName ?? i.Resource);
  const name = ref.startsWith('arn:') ? ref.split(':')[6] ?? '' : ref;
  const fn = s.lambda.functions[name];
  const resource = `arn:aws:lambda:${region}:${s.account}:function:${name}`;
  const requestTags = command === 'CreateFunction' || command === 'TagResource' ? i.Tags as Record<string, string> | undefined : undefined;
  const context: IamRequest['context'] = { ...tagContext('aws:ResourceTag', fn?.tags), ...tagContext('aws:RequestTag', requestTags) };
  if (requestTags) context['aws:TagKeys'] = Object.keys(requestTags);
  if (command === 'UntagResource') context['aws:TagKeys'] = i.TagKeys as string[];
  if (command === 'AddPermission') context['lambda:Principal'] = str(i.Principal);
  if (command === 'RemovePermission') {
    const p = fn?.statements.find((st) => st.Sid === i.StatementId)?.Principal;
    if (p && typeof p === 'object') context['lambda:Principal'] = 'Service' in p ? p.Service : p.AWS;
  }
  const out: IamRequest[] = [{ action, resource, context }];
  if (command === 'CreateFunction' && requestTags) out.push({ action: 'lambda:TagResource', resource, context });
  const role = str(i.Role);
  if ((command === 'CreateFunction' || command === 'UpdateFunctionConfiguration') && role) {
    out.push({ action: 'iam:PassRole', resource: role, context: { 'iam:PassedToService': 'lambda.amazonaws.com' } });
  }
  return out;
}

function iam(s: FakeState, command: string, i: Input): IamRequest[] {
  const action = `iam:${command}`;
  if (command === 'ListRoles') return [{ action, resource: '*', context: {} }];
  const name = str(i.RoleName);
  const role = s.iam.roles[name];
  const path = command === 'CreateRole' ? str(i.Path) || '/' : role?.Path ?? '/';
  const resource = `arn:aws:iam::${s.account}:role${path}${name}`;
  const existing = role ? iamTags(role.Tags) : undefined;
  const requestTags = command === 'CreateRole' || command === 'TagRole' ? iamTags(i.Tags) : undefined;
  const context: IamRequest['context'] = {
    ...tagContext('aws:ResourceTag', existing), ...Object.fromEntries(Object.entries(existing ?? {}).map(([k, v]) => [`iam:ResourceTag/${k}`, v])),
    ...tagContext('aws:RequestTag', requestTags),
  };
  if (requestTags && Object.keys(requestTags).length > 0) context['aws:TagKeys'] = Object.keys(requestTags);
  if (command === 'UntagRole') context['aws:TagKeys'] = i.TagKeys as string[];
  if (command === 'AttachRolePolicy' || command === 'DetachRolePolicy') context['iam:PolicyARN'] = str(i.PolicyArn);
  const out: IamRequest[] = [{ action, resource, context }];
  if (command === 'CreateRole' && requestTags && Object.keys(requestTags).length > 0) out.push({ action: 'iam:TagRole', resource, context });
  return out;
}

/**
 * CloudWatch Logs: `log-group` ARNs. The tagging actions are authorized on the ARN without a trailing `:*`, every other
 * action on the one with it (LogGroup.arn / logGroupArn); DescribeLogGroups on the account's groups
 * (`log-group:*`), with no aws:ResourceTag (DescribeLogGroups: "CloudWatch Logs doesn't support IAM policies that
 * control access to the DescribeLogGroups action by using the aws:ResourceTag/key-name condition key"); CreateLogGroup
 * with tags also needs logs:TagResource (CreateLogGroup, tags: "you must have either the logs:TagResource or
 * logs:TagLogGroup permission").
 */
function logs(s: FakeState, region: string, command: string, i: Input): IamRequest[] {
  const action = `logs:${command}`;
  const base = `arn:aws:logs:${region}:${s.account}:log-group:`;
  if (command === 'DescribeLogGroups') return [{ action, resource: `${base}*`, context: {} }];
  const ref = str(i.resourceArn ?? i.logGroupIdentifier ?? i.logGroupName);
  const name = ref.startsWith('arn:') ? ref.slice(ref.indexOf(':log-group:') + ':log-group:'.length).replace(/:\*$/, '') : ref;
  const tagging = ['TagResource', 'UntagResource', 'ListTagsForResource'].includes(command);
  const resource = `${base}${name}${tagging ? '' : ':*'}`;
  const group = s.logs?.groups[name];
  const requestTags = command === 'CreateLogGroup' || command === 'TagResource' ? i.tags as Record<string, string> | undefined : undefined;
  const context: IamRequest['context'] = { ...tagContext('aws:ResourceTag', group?.tags), ...tagContext('aws:RequestTag', requestTags) };
  if (requestTags) context['aws:TagKeys'] = Object.keys(requestTags);
  if (command === 'UntagResource') context['aws:TagKeys'] = i.tagKeys as string[];
  const out: IamRequest[] = [{ action, resource, context }];
  if (command === 'CreateLogGroup' && requestTags && Object.keys(requestTags).length > 0) out.push({ action: 'logs:TagResource', resource: `${base}${name}`, context });
  return out;
}

function s3(command: string, i: Input): IamRequest[] {
  const bucket = `arn:aws:s3:::${str(i.Bucket)}`;
  const onObject = ['GetObject', 'PutObject', 'DeleteObject', 'HeadObject'].includes(command);
  const action = command === 'HeadObject' ? 's3:GetObject' : iamActionsFor(`s3:${command}`)[0]!;
  return [{ action, resource: onObject ? `${bucket}/${str(i.Key)}` : bucket, context: { 'aws:SecureTransport': 'true' } }];
}

/** The authorization requests of one call (none for a call that needs no permission). */
export function iamRequestsFor(s: FakeState, service: string, command: string, input: unknown, region: string): IamRequest[] {
  const i = (input ?? {}) as Input;
  switch (service) {
    case 'apigateway': return apigateway(s, region, command, i);
    case 'cognito': return cognito(s, region, command, i);
    case 'lambda': return lambda(s, region, command, i);
    case 'iam': return iam(s, command, i);
    case 's3': return s3(command, i);
    case 'logs': return logs(s, region, command, i);
    case 'sts': return [];
    case 'tagging': return [{ action: `tag:${command}`, resource: '*', context: {} }];
    default: throw new Error(`iam-requests: ${SERVICE_PREFIX[service] ?? service} is not modelled`);
  }
}
