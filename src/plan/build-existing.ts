import type { StackConfig } from '../config/schema.js';
import { isLoopbackUrl as isLoopback } from '../config/validators.js';
import type { ResourceKind } from '../resources/types.js';
import { ourDeploymentDescription } from '../resources/existing-stage.js';
import { scopeNodes, wantsMachineClient } from './build-scopes.js';
import { groupNodes } from './build-groups.js';
import { stageSettingNodes } from './build-stage.js';
import type { AnyPlanNode, PlanNode, Plan } from './specs.js';

/*
 * Plans for what already exists (issue 12): the user's REST API secured in place, and/or the user's user pool.
 * Their resources are adopted nodes (read, never deleted); ours hang on them. Node ids are those of a new stack
 * ('api', 'pool', 'client', 'authorizer', 'deployment'…), so outputs, verify, token and export read them alike.
 */

const CORS_HEADERS = ['Content-Type', 'Authorization', 'X-Amz-Date', 'X-Api-Key', 'X-Amz-Security-Token'];
const POOL_KINDS = new Set<ResourceKind>(['user-pool', 'identity-provider', 'resource-server', 'user-pool-group', 'user-pool-client', 'user-pool-domain']);

function node<K extends ResourceKind>(n: PlanNode<K>): AnyPlanNode {
  return n as unknown as AnyPlanNode;
}

const keys = (list: Array<{ path: string; methods: readonly string[] }>): string[] => list.flatMap((s) => s.methods.map((m) => `${m} ${s.path}`)).sort();

const resourceNodeId = (path: string): string => (path === '/' ? 'api' : `resource:${path}`);

/** The user's pool, our app client in it (or theirs), and a hosted UI domain only when the pool has none. */
export function existingPoolNodes(config: StackConfig): AnyPlanNode[] {
  const ep = config.existingPool!;
  const nodes: AnyPlanNode[] = [node<'existing-user-pool'>({
    id: 'pool', kind: 'existing-user-pool', deps: [], label: config.userPool.name, spec: { userPoolId: ep.id, name: config.userPool.name },
  })];
  // On their pool, loopback callbacks only when asked (existingPool.localCallback): none by default (issue 25.7).
  const callbackUrls = config.hostedUi.callbackUrls.filter((u) => ep.localCallback || !isLoopback(u));
  // Our resource servers on their pool: only these are removed on destroy.
  const scoped = scopeNodes(config);
  nodes.push(...scoped.nodes);
  // The groups the routes name: one of that name already on their pool is used as it is, never deleted.
  nodes.push(...groupNodes(config));
  if (ep.appClientId) {
    nodes.push(node<'existing-user-pool-client'>({ id: 'client', kind: 'existing-user-pool-client', deps: ['pool'], parent: 'pool', label: ep.appClientId, spec: { clientId: ep.appClientId } }));
  } else {
    nodes.push(node<'user-pool-client'>({
      id: 'client', kind: 'user-pool-client', deps: ['pool', ...(config.hostedUi.enabled ? scoped.ids : [])], parent: 'pool', label: config.appClient.name,
      spec: {
        name: config.appClient.name, generateSecret: config.appClient.type === 'confidential', authFlows: config.appClient.authFlows,
        supportedIdentityProviders: ['COGNITO'],
        oauth: config.hostedUi.enabled && callbackUrls.length > 0
          ? { callbackUrls, logoutUrls: config.hostedUi.logoutUrls.filter((u) => ep.localCallback || !isLoopback(u)), scopes: [...new Set([...config.hostedUi.scopes, ...config.authorizer.scopes])], flows: ['code'] }
          : undefined,
      },
    }));
  }
  // A domain on their pool only for a sign-in that uses it: our client's hosted UI, or the machine client's token endpoint.
  const ourOauth = !ep.appClientId && config.hostedUi.enabled && callbackUrls.length > 0;
  if ((ourOauth || (ep.appClientId !== undefined && config.hostedUi.enabled) || wantsMachineClient(config)) && ep.domain) {
    nodes.push(node<'user-pool-domain'>({ id: 'domain', kind: 'user-pool-domain', deps: ['pool'], label: config.hostedUi.domainPrefix, spec: { domainPrefix: config.hostedUi.domainPrefix, managedLoginVersion: 1 } }));
  }
  return nodes;
}

/**
 * The user's API: its chosen methods put behind the authorizer (UpdateMethod), open preflights and CORS gateway
 * responses where agreed, and a deployment into its stage. Every change depends on the 'stage' node, so destroy
 * undoes them all before that node makes the stage serve what it served before.
 */
export function buildExistingApiPlan(config: StackConfig, poolFrom: (c: StackConfig) => AnyPlanNode[]): Plan {
  const ea = config.existingApi!;
  const nodes: AnyPlanNode[] = [
    node<'existing-rest-api'>({ id: 'api', kind: 'existing-rest-api', deps: [], label: config.api.name, spec: { apiId: ea.id, name: config.api.name } }),
    ...(config.existingPool ? existingPoolNodes(config) : poolFrom(config).filter((n) => POOL_KINDS.has(n.kind))),
    node<'existing-stage'>({
      id: 'stage', kind: 'existing-stage', deps: ['api'], parent: 'api', label: config.stage.name,
      spec: { stageName: config.stage.name, description: `secure-api ${config.stack} removed: the authorization the methods had before` },
    }),
  ];
  nodes.push(ea.reuseAuthorizer
    ? node<'existing-authorizer'>({ id: 'authorizer', kind: 'existing-authorizer', deps: ['api', 'pool'], parent: 'api', label: config.authorizer.name, spec: { name: config.authorizer.name, poolNode: 'pool' } })
    : node<'authorizer'>({
      id: 'authorizer', kind: 'authorizer', deps: ['api', 'pool'], parent: 'api', label: config.authorizer.name,
      spec: { name: config.authorizer.name, identityHeader: config.authorizer.identityHeader, ttlSeconds: config.authorizer.ttlSeconds, poolNode: 'pool' },
    }));

  const secure = ea.secure ?? [];
  const preflights = ea.preflights ?? [];
  const paths = [...new Set([...secure.map((s) => s.path), ...preflights])].filter((p) => p !== '/').sort();
  for (const path of paths) {
    nodes.push(node<'existing-api-resource'>({ id: resourceNodeId(path), kind: 'existing-api-resource', deps: ['api'], parent: 'api', label: path, spec: { path } }));
  }
  const resDeps = (path: string) => (path === '/' ? ['api'] : ['api', resourceNodeId(path)]);
  const changed: string[] = [];
  // The CORS parts a secured method relies on come first, and go after it: destroy restores the method, then a
  // preflight or gateway response still needed by another stack's secured method is kept (their delete checks).
  const corsOf = (path: string) => [...(preflights.includes(path) ? [`cors:${path}`] : []), ...(ea.gatewayResponses ?? []).map((t) => `gateway-response:${t}`)];
  for (const r of secure) {
    for (const method of r.methods) {
      const id = `method:${method} ${r.path}`;
      changed.push(id);
      nodes.push(node<'secured-method'>({
        id, kind: 'secured-method', deps: [...resDeps(r.path), 'authorizer', 'stage', ...corsOf(r.path)], parent: 'api', label: `${method} ${r.path}`,
        spec: { path: r.path, resourceNode: resourceNodeId(r.path), httpMethod: method, authorizerNode: 'authorizer', authorizationScopes: config.authorizer.scopes },
      }));
    }
  }
  for (const path of preflights) {
    const id = `cors:${path}`;
    changed.push(id);
    const allow = [...new Set(config.routes.filter((r) => r.path === path).flatMap((r) => r.methods))];
    nodes.push(node<'cors-preflight'>({
      id, kind: 'cors-preflight', deps: [...resDeps(path), 'stage'], parent: 'api', label: `OPTIONS ${path}`,
      spec: { path, resourceNode: resourceNodeId(path), allowMethods: [...allow, 'OPTIONS'], allowOrigin: config.cors.allowOrigin, allowHeaders: CORS_HEADERS },
    }));
  }
  for (const responseType of ea.gatewayResponses ?? []) {
    const id = `gateway-response:${responseType}`;
    changed.push(id);
    nodes.push(node<'gateway-response'>({
      id, kind: 'gateway-response', deps: ['api', 'stage'], parent: 'api', label: responseType,
      spec: { responseType, allowOrigin: config.cors.allowOrigin, allowHeaders: CORS_HEADERS },
    }));
  }
  nodes.push(node<'stage-redeploy'>({
    id: 'deployment', kind: 'stage-redeploy', deps: ['api', 'stage', ...changed], parent: 'api', label: `stage ${config.stage.name}`,
    spec: {
      stageName: config.stage.name, description: ourDeploymentDescription(config.stack),
      policy: { secured: keys(secure), open: keys(ea.leaveOpen ?? []) },
    },
  }));
  // Only what was asked is changed on their stage, and put back by destroy.
  nodes.push(...stageSettingNodes(config, 'stage'));
  return { nodes };
}
