/** What the plan alone says about a stack shape: calls, depth in nodes and in calls, the API Gateway share. */
import { resolveConfig } from '../src/config/resolve.js';
import { buildPlan, criticalPathDepth } from '../src/plan/build.js';
import { callWeightedDepth, planCalls } from '../src/plan/calls.js';
import type { Plan } from '../src/plan/specs.js';

/** API Gateway calls in flight at once, at most (src/aws/clients.ts). */
export const MAX_IN_FLIGHT = 4;
/** API Gateway's account-wide control-plane quota ("Amazon API Gateway quotas"): 10 calls a second, burst 40. */
export const QUOTA = { ratePerSecond: 10, burst: 40 };

export interface Shape {
  name: string;
  /** `--route` flags for init; empty: the default stack. */
  routeFlags: string[];
  /** The same routes as config keys, for planning without running the CLI. */
  routes?: Array<{ path: string; methods: string[] }>;
}

export interface PlanMetrics {
  nodes: number;
  /** Every call a clean init makes: sts:GetCallerIdentity, then each node's create calls. */
  calls: string[];
  /** Longest dependency chain, in nodes (criticalPathDepth). */
  depth: number;
  /** Longest dependency chain weighted by each node's sequential create calls (callWeightedDepth). */
  callDepth: number;
  apigatewayCalls: number;
  /**
   * Rounds of API Gateway calls at MAX_IN_FLIGHT: CreateRestApi alone first, CreateDeployment alone last, the rest
   * four at a time. No schedule can do better than this under the quota.
   */
  apigatewayRounds: number;
}

/**
 * The floor under AWS's rules, for a fixed latency d per call: sts:GetCallerIdentity first, then the longest of
 * the dependency chain in calls, API Gateway's writes to the one REST API one after another (it refuses overlapping
 * writes), and the time the control-plane quota needs to let that many calls through. No schedule can beat it.
 */
export function floorUnderRulesMs(m: PlanMetrics, d: number): number {
  const quotaMs = Math.max(0, ((m.apigatewayCalls - QUOTA.burst) / QUOTA.ratePerSecond) * 1000);
  return d + Math.max(m.callDepth * d, m.apigatewayCalls * d, quotaMs);
}

export function planFor(shape: Shape): Plan {
  const config = resolveConfig(shape.routes ? { stack: 'bench', routes: shape.routes } : { stack: 'bench' }, {
    defaultRegion: 'us-east-1', suffix: () => 'bench1',
  });
  return buildPlan(config);
}

export function planMetrics(shape: Shape): PlanMetrics {
  const plan = planFor(shape);
  const calls = planCalls(plan);
  const apigatewayCalls = calls.filter((c) => c.startsWith('apigateway:')).length;
  return {
    nodes: plan.nodes.length,
    calls,
    depth: criticalPathDepth(plan),
    callDepth: callWeightedDepth(plan),
    apigatewayCalls,
    apigatewayRounds: apigatewayCalls <= 2 ? apigatewayCalls : 2 + Math.ceil((apigatewayCalls - 2) / MAX_IN_FLIGHT),
  };
}

/** "GET,POST,PUT,DELETE /a" flags and the same routes as config. */
export function shapeOf(name: string, paths: string[], methods: string[]): Shape {
  return {
    name,
    routeFlags: paths.flatMap((p) => ['--route', `${methods.join(',')} ${p}`]),
    routes: paths.map((path) => ({ path, methods })),
  };
}
