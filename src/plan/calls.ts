import { cleanPath, createDepthOf, mayCall, type HandlerCalls } from '../resources/declared-calls.js';
import { handlerFor } from '../resources/registry.js';
import type { ResourceKind } from '../resources/types.js';
import type { AnyPlanNode, Plan } from './specs.js';
import { longestPath } from './build.js';

/** A kind's declared calls (each handler declares its own: src/resources/declared-calls.ts). */
export const callsOf = (kind: ResourceKind): HandlerCalls<unknown> => handlerFor(kind).calls as HandlerCalls<unknown>;

/**
 * The AWS calls a clean create of this node makes, in order (service:Action, IAM spelling), as its handler declares
 * them: what it is about to change on an adopted resource is read first (capturePrior), then the create.
 */
export function createCalls(n: AnyPlanNode): string[] {
  const c = callsOf(n.kind);
  return [...cleanPath(c.capturePrior), ...cleanPath(c.create, n.spec)];
}

/**
 * How many of a node's create calls run one after another: its weight on the critical path. A call its handler
 * sends alongside the one before (a MOCK method's response with its integration: see putMockParts) adds nothing.
 */
export function createDepth(n: AnyPlanNode): number {
  const c = callsOf(n.kind);
  return cleanPath(c.capturePrior).length + createDepthOf(c, n.spec);
}

/** The critical path in calls: the longest dependency chain, each node weighing its sequential create calls. */
export function callWeightedDepth(plan: Plan): number {
  return longestPath(plan, createDepth);
}

/**
 * What deleting a node that goes on its own (not with its parent) costs when the whole stack goes: its tags are read
 * first (another stack's resource is left alone, issue 25.4), then its clean delete.
 */
export function rootDeleteCalls(kind: ResourceKind): string[] {
  const c = callsOf(kind);
  return [...cleanPath(c.tags), ...cleanPath(c.delete)];
}

/**
 * The reads a clean `init` of a new stack makes before its first create: the search for resources already tagged
 * with the stack (src/orphans/find.ts; a lost state file), then whether each name AWS keeps unique is free
 * (src/orphans/preflight.ts). Nothing found, so no per-resource tag reads follow.
 */
export function ownershipCalls(plan: Plan): string[] {
  // A name AWS does not keep unique (API, pool) can only clash with what carries the stack's tag: none found, not read.
  const checked = [...new Set(plan.nodes.map((n) => n.kind))].filter((k) => handlerFor(k).nameTaken && !handlerFor(k).rename?.amongTaggedOnly);
  return ['tag:GetResources', 'apigateway:GetRestApis', 'iam:ListRoles', ...checked.flatMap((k) => cleanPath(callsOf(k).nameTaken))];
}

/** Every call a clean `init` of this plan makes, in plan order (plus the account lookup and the ownership reads). */
export function planCalls(plan: Plan): string[] {
  return ['sts:GetCallerIdentity', ...ownershipCalls(plan), ...plan.nodes.flatMap(createCalls)];
}

/** Every call an in-place update of the kind may make (its handler's `update`); none when it is replaced instead. */
export function updateCalls(kind: ResourceKind): string[] {
  return mayCall(callsOf(kind).update);
}
