/**
 * The sample function's configuration, both ways: what a spec asks for (its role's ARN resolved) and the live
 * configuration read back in the same shape, so drift is settingsDrift(functionSettings(…), observeFunction(…)). Pure.
 */
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { createHash } from 'node:crypto';
import { buildSampleFunctionZip } from './sample-function.js';
import type { DriftChange } from '../plan/changes.js';
import type { SpecByKind } from '../plan/specs.js';
import { settingsDrift } from './settings-drift.js';

type Spec = SpecByKind['lambda-function'];

/** What UpdateFunctionConfiguration sets, as the spec names it; `role` is the role node's ARN (unknown: not judged). */
export function functionSettings(spec: Spec, roleArn: string | undefined) {
  return {
    runtime: spec.runtime as string | undefined, memoryMb: spec.memoryMb as number | undefined, timeoutSeconds: spec.timeoutSeconds as number | undefined,
    handler: spec.handler as string | undefined, description: spec.description as string | undefined, role: roleArn,
    corsOrigin: spec.corsOrigin as string | undefined,
    routeGroups: routeGroupsText(spec.routeGroups),
    // The group-enforcing code, when routes name groups: other code there (an older sample, or code put by hand) would let
    // anyone with a token through. Without groups the code is not judged (older stacks run older samples, harmlessly).
    code: spec.routeGroups ? SAMPLE_CODE_SHA256 : undefined,
  };
}

/** The sample's CodeSha256 as Lambda reports it: base64 of the zip's SHA-256. */
export const SAMPLE_CODE_SHA256 = createHash('sha256').update(buildSampleFunctionZip()).digest('base64');

/** SECURE_API_ROUTE_GROUPS: the route groups as JSON, keys and groups sorted, so the same groups give the same text. */
export function routeGroupsText(groups: Record<string, string[]> | undefined): string | undefined {
  if (!groups || Object.keys(groups).length === 0) return undefined;
  return JSON.stringify(Object.fromEntries(Object.keys(groups).sort().map((k) => [k, [...groups[k]!].sort()])));
}

/** The live variable in the same form (text that is not such JSON is compared as it is). */
function observedRouteGroups(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    const ok = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && Object.values(parsed).every((v) => Array.isArray(v) && v.every((g) => typeof g === 'string'));
    return ok ? routeGroupsText(parsed as Record<string, string[]>) ?? text : text;
  } catch {
    return text;
  }
}

/** The function's environment: the CORS origin, and the route groups when there are some. */
export function functionEnvironment(spec: Spec): Record<string, string> {
  const groups = routeGroupsText(spec.routeGroups);
  return { CORS_ORIGIN: spec.corsOrigin, ...(groups ? { SECURE_API_ROUTE_GROUPS: groups } : {}) };
}

export function observeFunction(conf: FunctionConfiguration, roleKnown: boolean): ReturnType<typeof functionSettings> {
  return {
    runtime: conf.Runtime, memoryMb: conf.MemorySize, timeoutSeconds: conf.Timeout, handler: conf.Handler, description: conf.Description ?? '',
    role: roleKnown ? conf.Role : undefined, corsOrigin: conf.Environment?.Variables?.CORS_ORIGIN,
    routeGroups: observedRouteGroups(conf.Environment?.Variables?.SECURE_API_ROUTE_GROUPS),
    code: conf.CodeSha256,
  };
}

/** The configuration (not the tags, not the state) that differs from the spec's. */
export function functionDrift(spec: Spec, roleArn: string | undefined, conf: FunctionConfiguration): DriftChange[] {
  const want = functionSettings(spec, roleArn);
  const live = observeFunction(conf, roleArn !== undefined);
  // The code is judged only where the spec names it (routes restricted to groups).
  return settingsDrift(want, want.code === undefined ? { ...live, code: undefined } : live);
}
