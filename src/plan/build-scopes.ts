import type { StackConfig } from '../config/schema.js';
import { customScopes, resourceServerName, resourceServersFor } from '../config/scopes.js';
import type { AnyPlanNode, PlanNode } from './specs.js';

/** Node id of the resource server defining `identifier`'s scopes. */
export const resourceServerNodeId = (identifier: string): string => `resource-server:${identifier}`;
export const MACHINE_CLIENT_NODE = 'machine-client';

function node<K extends PlanNode['kind']>(n: PlanNode<K>): AnyPlanNode {
  return n as unknown as AnyPlanNode;
}

/** Whether the stack gets a machine client: custom scopes on its methods, and not switched off. */
export const wantsMachineClient = (config: StackConfig): boolean =>
  config.authorizer.machineClient && customScopes(config.authorizer.scopes).length > 0;

/**
 * The resource servers that define the methods' custom scopes (before any client names them), and the machine
 * client that gets tokens holding them through the client-credentials grant. `ids` are the resource-server node ids a
 * client naming custom scopes depends on.
 */
export function scopeNodes(config: StackConfig): { nodes: AnyPlanNode[]; ids: string[] } {
  const nodes: AnyPlanNode[] = resourceServersFor(config.authorizer.scopes).map((rs) => node<'resource-server'>({
    id: resourceServerNodeId(rs.identifier), kind: 'resource-server', deps: ['pool'], parent: 'pool', label: rs.identifier,
    spec: { identifier: rs.identifier, name: resourceServerName(rs.identifier, config.stack), scopes: rs.scopes },
  }));
  const ids = nodes.map((n) => n.id);
  if (wantsMachineClient(config)) {
    const name = `${config.appClient.name}-machine`.slice(0, 128);
    nodes.push(node<'user-pool-client'>({
      id: MACHINE_CLIENT_NODE, kind: 'user-pool-client', deps: ['pool', ...ids], parent: 'pool', label: name,
      spec: {
        // Confidential: client_credentials needs a secret, which is read from Cognito when needed, never stored.
        name, generateSecret: true, authFlows: ['ALLOW_REFRESH_TOKEN_AUTH'], supportedIdentityProviders: ['COGNITO'],
        oauth: { callbackUrls: [], logoutUrls: [], scopes: customScopes(config.authorizer.scopes), flows: ['client_credentials'] },
      },
    }));
  }
  return { nodes, ids };
}
