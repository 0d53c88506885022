import { createHash } from 'node:crypto';
import { idpSecretEnv } from '../config/resolve.js';
import { routeGroupsOf } from '../config/groups.js';
import { groupNodes } from './build-groups.js';
import { threatProtectionFor, type StackConfig } from '../config/schema.js';
import { buildExistingApiPlan, existingPoolNodes } from './build-existing.js';
import { scopeNodes, wantsMachineClient } from './build-scopes.js';
import { stageSettingNodes } from './build-stage.js';
import type { AnyPlanNode, Plan, PlanNode, ServedPolicy, SpecByKind } from './specs.js';
import type { ResourceKind } from '../resources/types.js';

const CORS_HEADERS = ['Content-Type', 'Authorization', 'X-Amz-Date', 'X-Api-Key', 'X-Amz-Security-Token'];
const BASIC_EXECUTION = (partition: string) => `arn:${partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`;

/** Node id of the resource for a path ('api' is the root "/"). */
export const resourceNodeId = (path: string): string => (path === '/' ? 'api' : `resource:${path}`);
export const methodNodeId = (method: string, path: string): string => `method:${method} ${path}`;

function node<K extends ResourceKind>(n: PlanNode<K>): AnyPlanNode {
  return n as unknown as AnyPlanNode;
}

/** StackConfig → the resource graph. Pure: no I/O, same input, same plan. */
export function buildPlan(config: StackConfig, partition = 'aws'): Plan {
  // issue 12: securing an API that already exists is a plan of its own (src/plan/build-existing.ts).
  if (config.existingApi) return buildExistingApiPlan(config, (c) => buildPlan({ ...c, existingApi: undefined }, partition).nodes);
  const nodes: AnyPlanNode[] = [];
  const usesSample = config.routes.some((r) => r.integration.type === 'sample-lambda');
  const anySecured = config.routes.some((r) => !r.public);
  // The user's tags, only when there are some: a stack without tags has the specs it always had (no spurious change).
  const tags = Object.keys(config.tags).length > 0 ? { tags: { ...config.tags } } : {};
  // The sample routes restricted to groups: the function enforces them (the schema allows groups on no other route).
  const routeGroups = routeGroupsOf(config.routes.filter((r) => r.integration.type === 'sample-lambda'));

  if (usesSample) {
    nodes.push(node<'iam-role'>({
      id: 'role', kind: 'iam-role', deps: [], label: config.function.roleName,
      spec: { roleName: config.function.roleName, path: '/secure-api/', managedPolicyArns: [BASIC_EXECUTION(partition)], description: `Execution role of ${config.function.name} (secure-api stack ${config.stack})`, ...tags },
    }));
    // Before the function: its first run would make the group itself, without a retention (kept forever).
    nodes.push(node<'log-group'>({
      id: 'function-logs', kind: 'log-group', deps: [], label: `/aws/lambda/${config.function.name}`,
      spec: { logGroupName: `/aws/lambda/${config.function.name}`, retentionInDays: config.function.logRetentionDays, createdByService: 'lambda', ...tags },
    }));
    nodes.push(node<'lambda-function'>({
      id: 'function', kind: 'lambda-function', deps: ['role', 'function-logs'], label: config.function.name,
      spec: {
        functionName: config.function.name, runtime: config.function.runtime, memoryMb: config.function.memoryMb,
        timeoutSeconds: config.function.timeoutSeconds, handler: 'index.handler', roleNode: 'role', corsOrigin: config.cors.allowOrigin,
        description: `Sample backend of the secure-api stack ${config.stack}`, ...tags,
        ...(Object.keys(routeGroups).length ? { routeGroups } : {}),
      },
    }));
  }

  nodes.push(node<'rest-api'>({
    id: 'api', kind: 'rest-api', deps: [], label: config.api.name,
    spec: { name: config.api.name, description: config.api.description, endpointType: config.api.endpointType, ...tags },
  }));

  // The user pool and everything in it, only when some route is secured.
  const idpNames: string[] = [];
  if (anySecured && config.existingPool) nodes.push(...existingPoolNodes(config));
  else if (anySecured) {
    const up = config.userPool;
    nodes.push(node<'user-pool'>({
      id: 'pool', kind: 'user-pool', deps: [], label: up.name,
      spec: {
        name: up.name, signInIdentifiers: up.signInIdentifiers, passwordPolicy: up.passwordPolicy,
        mfa: up.mfa, email: up.email, accountRecovery: up.accountRecovery, selfSignUp: up.selfSignUp, tier: up.tier,
        deletionProtection: up.deletionProtection ? 'ACTIVE' : 'INACTIVE', threatProtection: threatProtectionFor(up), ...tags,
      },
    }));
    for (const idp of up.identityProviders) {
      const providerName = idp.name ?? idp.type;
      idpNames.push(providerName);
      nodes.push(node<'identity-provider'>({
        id: `idp:${providerName}`, kind: 'identity-provider', deps: ['pool'], parent: 'pool', label: providerName,
        spec: {
          providerName, providerType: idp.type, clientId: idp.clientId, clientSecretEnv: idpSecretEnv(idp),
          scopes: idp.scopes ?? defaultIdpScopes(idp.type), issuer: idp.issuer, teamId: idp.teamId, keyId: idp.keyId,
        },
      }));
    }
    const scoped = scopeNodes(config);
    nodes.push(...scoped.nodes);
    nodes.push(...groupNodes(config));
    nodes.push(node<'user-pool-client'>({
      id: 'client', kind: 'user-pool-client', deps: ['pool', ...idpNames.map((n) => `idp:${n}`), ...(config.hostedUi.enabled ? scoped.ids : [])], parent: 'pool', label: config.appClient.name,
      spec: {
        name: config.appClient.name, generateSecret: config.appClient.type === 'confidential', authFlows: config.appClient.authFlows,
        supportedIdentityProviders: ['COGNITO', ...idpNames],
        tokenValidity: config.appClient.tokenValidity, refreshTokenRotation: config.appClient.refreshTokenRotation,
        oauth: config.hostedUi.enabled
          ? { callbackUrls: config.hostedUi.callbackUrls, logoutUrls: config.hostedUi.logoutUrls, scopes: oauthScopes(config), flows: ['code'] }
          : undefined,
      },
    }));
    // The domain also serves the token endpoint the machine client gets its tokens from.
    if (config.hostedUi.enabled || wantsMachineClient(config)) {
      nodes.push(node<'user-pool-domain'>({
        id: 'domain', kind: 'user-pool-domain', deps: ['pool'], label: config.hostedUi.domainPrefix,
        // The classic hosted UI: what the walkthrough uses, and all a LITE pool may have.
        spec: { domainPrefix: config.hostedUi.domainPrefix, managedLoginVersion: 1 },
      }));
    }
  }
  if (anySecured) {
    nodes.push(node<'authorizer'>({
      id: 'authorizer', kind: 'authorizer', deps: ['api', 'pool'], parent: 'api', label: config.authorizer.name,
      spec: { name: config.authorizer.name, identityHeader: config.authorizer.identityHeader, ttlSeconds: config.authorizer.ttlSeconds, poolNode: 'pool' },
    }));
  }

  // The resource tree: one node per distinct path prefix.
  const resourcePaths = new Set<string>();
  for (const r of config.routes) {
    const segs = r.path.split('/').filter(Boolean);
    for (let i = 1; i <= segs.length; i++) resourcePaths.add('/' + segs.slice(0, i).join('/'));
  }
  for (const path of [...resourcePaths].sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b))) {
    const parentPath = path.slice(0, path.lastIndexOf('/')) || '/';
    const parentNode = resourceNodeId(parentPath);
    nodes.push(node<'api-resource'>({
      id: resourceNodeId(path), kind: 'api-resource', deps: parentNode === 'api' ? ['api'] : ['api', parentNode], parent: 'api', label: path,
      spec: { path, pathPart: path.slice(path.lastIndexOf('/') + 1), parentNode },
    }));
  }

  // Lambda permissions: our sample function, one statement for the whole API (it serves nothing else); a function of
  // yours, one statement per method that calls it, its SourceArn that method's only (issue 25.7): the stack never
  // lets the rest of the API, or another stage's methods beyond these, invoke your function.
  if (usesSample) {
    nodes.push(node<'lambda-permission'>({
      id: 'permission', kind: 'lambda-permission', deps: ['api', 'function'], parent: 'function', label: `${config.function.name} ← API Gateway`,
      spec: { statementId: `secure-api-${config.stack}-invoke`, function: { node: 'function' } },
    }));
  }
  for (const r of config.routes) {
    if (r.integration.type !== 'lambda') continue;
    const fnName = r.integration.arn.split(':')[6] ?? r.integration.arn;
    for (const method of r.methods) {
      nodes.push(node<'lambda-permission'>({
        id: `permission:${fnName} ${method} ${r.path}`, kind: 'lambda-permission', deps: ['api'], label: `${fnName} ← ${method} ${r.path}`,
        spec: { statementId: methodStatementId(config.stack, method, r.path), function: { arn: r.integration.arn }, sourcePath: executeApiPath(method, r.path) },
      }));
    }
  }

  const methodIds: string[] = [];
  const allowByPath = new Map<string, Set<string>>();
  for (const r of config.routes) {
    const resNode = resourceNodeId(r.path);
    const pathParams = [...r.path.matchAll(/\{([^}+]+)\+?\}/g)].map((m) => m[1]!);
    for (const method of r.methods) {
      const id = methodNodeId(method, r.path);
      methodIds.push(id);
      const allow = allowByPath.get(r.path) ?? new Set<string>();
      if (method === 'ANY') ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'].forEach((m) => allow.add(m));
      else allow.add(method);
      allowByPath.set(r.path, allow);
      const integration: SpecByKind['api-method']['integration'] =
        r.integration.type === 'sample-lambda' ? { type: 'lambda', function: { node: 'function', name: config.function.name } }
          : r.integration.type === 'lambda' ? { type: 'lambda', function: { arn: r.integration.arn } }
            : r.integration.type === 'http' ? { type: 'http', url: r.integration.url } : { type: 'mock' };
      const deps = ['api'];
      if (resNode !== 'api') deps.push(resNode);
      if (!r.public) deps.push('authorizer');
      // Not the function: the integration names it by ARN, so methods are put while IAM propagates.
      nodes.push(node<'api-method'>({
        id, kind: 'api-method', deps, parent: 'api', label: `${method} ${r.path}${r.public ? ' (public)' : ''}`,
        spec: {
          path: r.path, resourceNode: resNode, httpMethod: method, integration,
          authorizerNode: r.public ? undefined : 'authorizer',
          authorizationScopes: r.public ? [] : config.authorizer.scopes,
          pathParams, corsOrigin: config.cors.allowOrigin,
        },
      }));
    }
  }

  const corsIds: string[] = [];
  for (const [path, allow] of allowByPath) {
    // ANY paths too: ANY catches only the methods not declared explicitly (x-amazon-apigateway-any-method, API
    // Gateway developer guide), so without its own open OPTIONS a secured ANY sends the browser's preflight to the
    // authorizer (401). An explicit OPTIONS takes precedence over ANY.
    const id = `cors:${path}`;
    corsIds.push(id);
    const resNode = resourceNodeId(path);
    nodes.push(node<'cors-preflight'>({
      id, kind: 'cors-preflight', deps: resNode === 'api' ? ['api'] : ['api', resNode], parent: 'api', label: `OPTIONS ${path}`,
      spec: { path, resourceNode: resNode, allowMethods: [...allow, 'OPTIONS'], allowOrigin: config.cors.allowOrigin, allowHeaders: CORS_HEADERS },
    }));
  }

  const gwIds: string[] = [];
  for (const responseType of ['DEFAULT_4XX', 'DEFAULT_5XX'] as const) {
    const id = `gateway-response:${responseType}`;
    gwIds.push(id);
    nodes.push(node<'gateway-response'>({
      id, kind: 'gateway-response', deps: ['api'], parent: 'api', label: responseType,
      spec: { responseType, allowOrigin: config.cors.allowOrigin, allowHeaders: CORS_HEADERS },
    }));
  }

  // Deploy after every method (with its authorizer), preflight and gateway response. Not after the Lambda
  // permissions: they are no part of a deployment, and waiting for them would put the deployment behind IAM
  // propagation; init still ends (and verifies) only once every node is done. But after the function when it
  // enforces route groups: a new group-restricted method published before the function knows its groups lets every
  // signed-in user in (Lambda applies UpdateFunctionConfiguration asynchronously; the update waits it out).
  const enforcedByFunction = Object.keys(routeGroups).length > 0 ? ['function'] : [];
  nodes.push(node<'deployment'>({
    id: 'deployment', kind: 'deployment', parent: 'api', label: `stage ${config.stage.name}`,
    deps: ['api', ...methodIds, ...corsIds, ...gwIds, ...enforcedByFunction],
    spec: {
      stageName: config.stage.name, stageDescription: config.stage.description, description: `secure-api ${config.stack}`,
      policy: servedPolicy(config.routes),
    },
  }));
  nodes.push(...stageSettingNodes(config, 'deployment'));
  return { nodes };
}

/** The stage's policy (stage-policy.ts): each route's methods secured, but the public routes' left open. */
function servedPolicy(routes: StackConfig['routes']): ServedPolicy {
  const keys = (pub: boolean) => routes.filter((r) => Boolean(r.public) === pub).flatMap((r) => r.methods.map((m) => `${m} ${r.path}`)).sort();
  return { secured: keys(false), open: keys(true) };
}

/**
 * The method part of an execute-api ARN (`METHOD/resource-path`) as API Gateway presents it to Lambda: the request's
 * path, so each `{param}` (and `{proxy+}`) is `*` (a path template never matches: aws/serverless-application-model#110);
 * ANY is every method.
 */
export function executeApiPath(method: string, path: string): string {
  return `${method === 'ANY' ? '*' : method}${path.replace(/\{[^}]+\}/g, '*')}`;
}

/** A statement id per (stack, method, path), stable across runs, within AddPermission's `[a-zA-Z0-9-_]{1,100}`. */
export function methodStatementId(stack: string, method: string, path: string): string {
  return `secure-api-${stack}-${method.toLowerCase()}-${createHash('sha256').update(path).digest('hex').slice(0, 10)}`;
}

function defaultIdpScopes(type: string): string[] {
  switch (type) {
    case 'Facebook': return ['public_profile', 'email'];
    case 'LoginWithAmazon': return ['profile'];
    case 'SignInWithApple': return ['email', 'name'];
    default: return ['openid', 'email', 'profile'];
  }
}

function oauthScopes(config: StackConfig): string[] {
  const s = new Set(config.hostedUi.scopes);
  for (const x of config.authorizer.scopes) s.add(x);
  return [...s];
}

/** The longest dependency chain, each node weighing `weight(node)`. */
export function longestPath(plan: Plan, weight: (n: AnyPlanNode) => number): number {
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  const memo = new Map<string, number>();
  const depth = (id: string): number => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const n = byId.get(id);
    if (!n) return 0;
    const d = weight(n) + Math.max(0, ...n.deps.map(depth));
    memo.set(id, d);
    return d;
  };
  return Math.max(0, ...plan.nodes.map((n) => depth(n.id)));
}

/** Depth of the longest dependency chain (in nodes): the critical path. */
export function criticalPathDepth(plan: Plan): number {
  return longestPath(plan, () => 1);
}
