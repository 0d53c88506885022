import { groupDescription, groupNamesOf } from '../config/groups.js';
import type { StackConfig } from '../config/schema.js';
import type { AnyPlanNode, PlanNode } from './specs.js';

export const groupNodeId = (name: string): string => `group:${name}`;

/**
 * One Cognito group per group a route names, in the stack's pool (ours or the user's): members' tokens carry it in
 * cognito:groups, which the sample function checks. On the user's pool a group of that name already there is used as
 * it is (src/resources/user-pool-group.ts).
 */
export function groupNodes(config: Pick<StackConfig, 'routes' | 'stack'>): AnyPlanNode[] {
  return groupNamesOf(config.routes).map((name) => ({
    id: groupNodeId(name), kind: 'user-pool-group', deps: ['pool'], parent: 'pool', label: name,
    spec: { groupName: name, description: groupDescription(config.stack) },
  } satisfies PlanNode<'user-pool-group'> as unknown as AnyPlanNode));
}
