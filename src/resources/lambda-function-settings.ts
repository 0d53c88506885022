/**
 * The sample function's configuration, both ways: what a spec asks for (its role's ARN resolved) and the live
 * configuration read back in the same shape, so drift is settingsDrift(functionSettings(…), observeFunction(…)). Pure.
 */
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
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
  };
}

export function observeFunction(conf: FunctionConfiguration, roleKnown: boolean): ReturnType<typeof functionSettings> {
  return {
    runtime: conf.Runtime, memoryMb: conf.MemorySize, timeoutSeconds: conf.Timeout, handler: conf.Handler, description: conf.Description ?? '',
    role: roleKnown ? conf.Role : undefined, corsOrigin: conf.Environment?.Variables?.CORS_ORIGIN,
  };
}

/** The configuration (not the tags, not the state) that differs from the spec's. */
export function functionDrift(spec: Spec, roleArn: string | undefined, conf: FunctionConfiguration): DriftChange[] {
  return settingsDrift(functionSettings(spec, roleArn), observeFunction(conf, roleArn !== undefined));
}
