/**
 * One setting of a stage (issue 25.6): X-Ray tracing, default method throttling, or access logging. UpdateStage
 * patches the stage in place (https://docs.aws.amazon.com/apigateway/latest/api/API_UpdateStage.html; paths from
 * patch-operations.html: `/tracingEnabled`, `/{resource}/{method}/throttling/rateLimit|burstLimit` with `*\/*` for every
 * method, the shape terraform-provider-aws's aws_api_gateway_method_settings sends; `/accessLogSettings/destinationArn`
 * and `/accessLogSettings/format`, `remove /accessLogSettings`). A stage's settings are not part of a deployment:
 * a change here publishes nothing. What the stage had is captured before the first change (prior) and put back when
 * the setting leaves the configuration or the stack goes, so the user's own stage ends as it was.
 */
import { UpdateStageCommand, type PatchOperation, type Stage } from '@aws-sdk/client-api-gateway';
import type { SpecByKind } from '../plan/specs.js';
import { sometimes } from './declared-calls.js';
import { depOut, restApiIdOf } from './refs.js';
import { settingsDrift } from './settings-drift.js';
import { getStage } from './api-stage.js';
import type { Ctx, Outputs, Prior, ResourceHandler } from './types.js';

type Spec = SpecByKind['stage-setting'];
type Throttle = { rateLimit: number; burstLimit: number };
type AccessLog = { destinationArn: string | null; format: string | null };
/** The setting's value as compared: access logging names its log group by ARN (the group's output), not by node. */
type Value = { tracing?: boolean | undefined; throttle?: Throttle | undefined; accessLog?: AccessLog | undefined };

/** Every method of the stage: methodSettings key `*\/*`, patch prefix `/*\/*`. */
const ALL_METHODS = '*/*';
/** API Gateway's "no throttling of its own" (terraform-provider-aws#14266: the method setting's default is -1). */
const UNSET = -1;

const stageOf = (ctx: Ctx, deps: Outputs, stageName: string): Promise<Stage | undefined> => getStage(ctx, restApiIdOf(deps), stageName);

/** The stage's throttling for every method; null when the stage has no `*\/*` method setting. */
function liveThrottle(stage: Stage): Throttle | null {
  const m = stage.methodSettings?.[ALL_METHODS];
  return m ? { rateLimit: m.throttlingRateLimit ?? UNSET, burstLimit: m.throttlingBurstLimit ?? UNSET } : null;
}

const liveAccessLog = (stage: Stage): AccessLog | null => (stage.accessLogSettings?.destinationArn
  ? { destinationArn: stage.accessLogSettings.destinationArn, format: stage.accessLogSettings.format ?? null } : null);

/** The setting this node holds, read back from the stage (for the one drift comparison with `wanted`). */
export function observeSetting(spec: Spec, stage: Stage): Value {
  if (spec.setting === 'tracing') return { tracing: stage.tracingEnabled ?? false };
  if (spec.setting === 'access-log') return { accessLog: liveAccessLog(stage) ?? { destinationArn: null, format: null } };
  const t = liveThrottle(stage);
  return { throttle: t ?? { rateLimit: UNSET, burstLimit: UNSET } };
}

/** The log group's ARN as API Gateway takes it: without the `:*` DescribeLogGroups' `arn` ends with. */
const destinationOf = (spec: Spec, deps: Outputs): string => depOut(deps, spec.accessLog?.logGroupNode ?? '', 'logGroupArn').replace(/:\*$/, '');

function wanted(spec: Spec, deps: Outputs): Value {
  if (spec.setting === 'tracing') return { tracing: spec.tracing ?? false };
  if (spec.setting === 'access-log') return { accessLog: { destinationArn: destinationOf(spec, deps), format: spec.accessLog?.format ?? null } };
  return { throttle: spec.throttle };
}

function throttleOps(t: Throttle): PatchOperation[] {
  return [
    { op: 'replace', path: `/${ALL_METHODS}/throttling/rateLimit`, value: String(t.rateLimit) },
    { op: 'replace', path: `/${ALL_METHODS}/throttling/burstLimit`, value: String(t.burstLimit) },
  ];
}

function accessLogOps(a: { destinationArn: string; format: string }): PatchOperation[] {
  return [
    { op: 'replace', path: '/accessLogSettings/destinationArn', value: a.destinationArn },
    { op: 'replace', path: '/accessLogSettings/format', value: a.format },
  ];
}

/** The patch that gives the stage the spec's value. */
function opsFor(spec: Spec, deps: Outputs): PatchOperation[] {
  if (spec.setting === 'tracing') return [{ op: 'replace', path: '/tracingEnabled', value: String(spec.tracing ?? false) }];
  if (spec.setting === 'access-log') {
    if (!spec.accessLog) throw new Error('internal: an access-log stage-setting without its format');
    return accessLogOps({ destinationArn: destinationOf(spec, deps), format: spec.accessLog.format });
  }
  if (!spec.throttle) throw new Error('internal: a throttle stage-setting without its limits');
  return throttleOps(spec.throttle);
}

/** A `*\/*` method setting that holds more than throttling (metrics, logging, caching): someone else's, kept. */
function holdsMore(stage: Stage): boolean {
  const m = stage.methodSettings?.[ALL_METHODS];
  return !!m && (m.metricsEnabled === true || (m.loggingLevel ?? 'OFF') !== 'OFF' || m.dataTraceEnabled === true || m.cachingEnabled === true);
}

/** The patch that puts back what the stage had before (the prior), as live is now. */
function restoreOps(spec: Spec, prior: Prior, live: Stage): PatchOperation[] {
  if (spec.setting === 'tracing') {
    const was = prior.tracing === true;
    return (live.tracingEnabled ?? false) === was ? [] : [{ op: 'replace', path: '/tracingEnabled', value: String(was) }];
  }
  if (spec.setting === 'access-log') {
    const was = (prior.accessLog ?? null) as AccessLog | null;
    if (was?.destinationArn) return accessLogOps({ destinationArn: was.destinationArn, format: was.format ?? '' });
    return live.accessLogSettings ? [{ op: 'remove', path: '/accessLogSettings' }] : [];
  }
  const was = (prior.throttle ?? null) as Throttle | null;
  if (was) return throttleOps(was);
  if (!live.methodSettings?.[ALL_METHODS]) return [];
  // It had none: the method setting we made goes (as terraform's delete does), unless it now holds more than ours.
  return holdsMore(live) ? throttleOps({ rateLimit: UNSET, burstLimit: UNSET }) : [{ op: 'remove', path: `/${ALL_METHODS}` }];
}

export const stageSettingHandler: ResourceHandler<Spec> = {
  kind: 'stage-setting',
  calls: {
    capturePrior: ['apigateway:GetStage'],
    create: ['apigateway:UpdateStage'],
    find: ['apigateway:GetStage'],
    read: ['apigateway:GetStage'],
    update: ['apigateway:UpdateStage'],
    delete: ['apigateway:GetStage', sometimes('apigateway:UpdateStage', 'the stage differs from what it had before')],
  },
  service: 'apigateway',
  // Our stage's settings go with it (DeleteRestApi deletes the stages); on the user's stage (an adopted parent, never
  // deleted) the delete puts back what the stage had.
  deletedWithParent: true,
  // Another stage or another setting is another node.
  immutable: ['stageName', 'setting'],

  async capturePrior(ctx, spec, deps) {
    const stage = await stageOf(ctx, deps, spec.stageName);
    if (!stage) throw new Error(`the API has no stage ${spec.stageName}`);
    if (spec.setting === 'tracing') return { tracing: stage.tracingEnabled ?? false };
    if (spec.setting === 'access-log') return { accessLog: liveAccessLog(stage) };
    return { throttle: liveThrottle(stage) };
  },

  async create(ctx, spec, deps) {
    await ctx.clients.apigateway.send(new UpdateStageCommand({ restApiId: restApiIdOf(deps), stageName: spec.stageName, patchOperations: opsFor(spec, deps) }));
    return { stageName: spec.stageName };
  },

  // Resume: the patch landed when the stage already holds the value (sending it again would change nothing either).
  async find(ctx, spec, deps) {
    const stage = await stageOf(ctx, deps, spec.stageName);
    if (!stage) return undefined;
    return settingsDrift(wanted(spec, deps), observeSetting(spec, stage)).length === 0 ? { stageName: spec.stageName } : undefined;
  },

  async read(ctx, spec, out, deps) {
    const stage = await stageOf(ctx, deps, out.stageName ?? spec.stageName);
    if (!stage) return { state: 'missing' };
    const drift = settingsDrift(wanted(spec, deps), observeSetting(spec, stage));
    return drift.length ? { state: 'drifted', drift, out } : { state: 'present', out };
  },

  // Idempotent: the whole value is sent, so a repair and a change are the same patch.
  async update(ctx, want, out, deps) {
    await ctx.clients.apigateway.send(new UpdateStageCommand({ restApiId: restApiIdOf(deps), stageName: want.stageName, patchOperations: opsFor(want, deps) }));
    return { stageName: out.stageName ?? want.stageName };
  },

  async delete(ctx, spec, out, deps, prior) {
    const stageName = out.stageName ?? spec.stageName;
    const live = await stageOf(ctx, deps, stageName);
    if (!live || !prior) return;
    const ops = restoreOps(spec, prior, live);
    if (ops.length) await ctx.clients.apigateway.send(new UpdateStageCommand({ restApiId: restApiIdOf(deps), stageName, patchOperations: ops }));
  },
};
