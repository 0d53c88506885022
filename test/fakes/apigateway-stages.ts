import type {
  CreateDeploymentCommandInput, CreateDeploymentCommandOutput, CreateStageCommandInput, CreateStageCommandOutput,
  DeleteDeploymentCommandInput, DeleteStageCommandInput, Deployment, GetDeploymentCommandInput, GetDeploymentCommandOutput,
  GetDeploymentsCommandInput, GetDeploymentsCommandOutput, GetStageCommandInput, GetStageCommandOutput, GetStagesCommandInput,
  GetAccountCommandOutput, GetStagesCommandOutput, MethodSetting, PatchOperation, Stage, UpdateAccountCommandInput, UpdateAccountCommandOutput, UpdateStageCommandInput, UpdateStageCommandOutput,
} from '@aws-sdk/client-api-gateway';
import { fail, getApi, pageOf } from './apigateway-apis.js';
import { LOWER_ALNUM, compact, copy, date, randomString, uniqueId, type Handlers, type Out } from './core.js';
import type { ApiRecord, DeploymentRecord, FakeState, StageRecord } from './state.js';

function stageOut(s: StageRecord): Stage {
  return compact({
    stageName: s.stageName, deploymentId: s.deploymentId, description: s.description, variables: copy(s.variables),
    tracingEnabled: s.tracingEnabled ?? false, cacheClusterEnabled: false, methodSettings: copy(s.methodSettings ?? {}), canarySettings: copy(s.canarySettings),
    accessLogSettings: s.accessLogSettings ? { ...s.accessLogSettings } : undefined,
    createdDate: date(s.createdDate), lastUpdatedDate: date(s.lastUpdatedDate), tags: { ...s.tags },
  });
}

function deploymentOut(d: DeploymentRecord, embed?: string[]): Deployment {
  const out: Deployment = compact({ id: d.id, description: d.description, createdDate: date(d.createdDate) });
  if (embed?.includes('apisummary')) {
    out.apiSummary = Object.fromEntries(Object.entries(d.snapshot).map(([path, methods]) => [
      path,
      Object.fromEntries(Object.entries(methods).map(([m, method]) => [
        m, { authorizationType: method.authorizationType ?? 'NONE', apiKeyRequired: method.apiKeyRequired ?? false },
      ])),
    ]));
  }
  return out;
}

/**
 * A method setting made by a patch starts from API Gateway's defaults (API_MethodSetting); throttling -1 is "none of
 * its own" (terraform-provider-aws#14266 sets -1 to keep a method setting unthrottled).
 */
const NEW_METHOD_SETTING: MethodSetting = {
  metricsEnabled: false, loggingLevel: 'OFF', dataTraceEnabled: false, throttlingBurstLimit: -1, throttlingRateLimit: -1,
  cachingEnabled: false, cacheTtlInSeconds: 300, cacheDataEncrypted: false, requireAuthorizationForCacheControl: true,
  unauthorizedCacheControlHeaderStrategy: 'SUCCEED_WITH_RESPONSE_HEADER',
};

/** `/{resourcePath}/{httpMethod}/throttling/rateLimit` (patch-operations.html; `~1` escapes a "/" in the path): the methodSettings key and the field. */
const METHOD_SETTING_PATH = /^\/(.+)\/([A-Z*]+)\/throttling\/(rateLimit|burstLimit)$/;

/**
 * Stage method settings (API_UpdateStage, API_MethodSetting): throttlingRateLimit is a double, throttlingBurstLimit an
 * integer; a method setting is made by its first patch and removed whole with `remove /{resourcePath}/{httpMethod}`,
 * which fails when there is none ("Cannot remove method setting *\/* because there is no method setting for this
 * method", quoted in terraform-provider-aws internal/service/apigateway/method_settings.go).
 */
function patchMethodSetting(stage: StageRecord, op: PatchOperation): boolean {
  const path = op.path ?? '';
  const m = METHOD_SETTING_PATH.exec(path);
  if (m && op.op === 'replace') {
    const key = `${m[1]!.replace(/~1/g, '/')}/${m[2]!}`;
    const n = Number(op.value);
    if (op.value === undefined || op.value.trim() === '' || !Number.isFinite(n)) fail('BadRequestException', `Invalid value '${op.value ?? ''}' for ${path}: a number is expected`);
    if (m[3] === 'burstLimit' && !Number.isInteger(n)) fail('BadRequestException', `Invalid value '${op.value}' for ${path}: an integer is expected`);
    stage.methodSettings ??= {};
    const setting = stage.methodSettings[key] ?? { ...NEW_METHOD_SETTING };
    if (m[3] === 'rateLimit') setting.throttlingRateLimit = n;
    else setting.throttlingBurstLimit = n;
    stage.methodSettings[key] = setting;
    return true;
  }
  const whole = /^\/(.+)\/([A-Z*]+)$/.exec(path);
  if (whole && op.op === 'remove' && path !== '/deploymentId') {
    const key = `${whole[1]!.replace(/~1/g, '/')}/${whole[2]!}`;
    if (!stage.methodSettings?.[key]) fail('BadRequestException', `Cannot remove method setting ${key} because there is no method setting for this method`);
    delete stage.methodSettings[key];
    return true;
  }
  return false;
}

/**
 * Access logging (API Gateway developer guide, "Set up CloudWatch logging for REST APIs"): `/accessLogSettings/destinationArn`
 * and `/accessLogSettings/format` are patched, `remove /accessLogSettings` turns it off.
 */
function patchAccessLog(stage: StageRecord, op: PatchOperation): boolean {
  const path = op.path ?? '';
  if (path === '/accessLogSettings' && op.op === 'remove') {
    delete stage.accessLogSettings;
    return true;
  }
  const m = /^\/accessLogSettings\/(destinationArn|format)$/.exec(path);
  if (!m || op.op !== 'replace') return false;
  stage.accessLogSettings = { ...stage.accessLogSettings, [m[1]!]: op.value ?? '' };
  return true;
}

/**
 * What the stage's access log settings must be once patched:
 * - API Gateway writes logs with the account's CloudWatch role: without one (GetAccount cloudwatchRoleArn), real accounts
 *   are refused "CloudWatch Logs role ARN must be set in account settings to enable logging"
 *   (aws-solutions/virtual-waiting-room-on-aws#74, sst/sst#1556);
 * - the destination is a log group ARN `arn:PARTITION:logs:REGION:ACCOUNT:log-group:NAME` (the developer guide's form,
 *   awsdocs/amazon-api-gateway-developer-guide#70). The `:*` that CloudFormation's and DescribeLogGroups' `arn` end with
 *   is taken (aws-cdk's LogGroupLogDestination sends that ARN) and not kept: terraform-provider-aws's aws_api_gateway_stage
 *   "automatically removes trailing `:*`" so that what it reads back matches;
 * - the format includes at least $context.requestId or $context.extendedRequestId (developer guide, "Access log formats").
 */
function checkAccessLog(ctx: { state: FakeState }, stage: StageRecord): void {
  const a = stage.accessLogSettings;
  if (!a?.destinationArn) return;
  if (!ctx.state.apigateway.account?.cloudwatchRoleArn) fail('BadRequestException', 'CloudWatch Logs role ARN must be set in account settings to enable logging');
  a.destinationArn = a.destinationArn.replace(/:\*$/, '');
  if (!/^arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:[^:*]+$/.test(a.destinationArn)) fail('BadRequestException', `Invalid ARN specified in the request: ${a.destinationArn}`);
  if (a.format !== undefined && !/\$context\.(requestId|extendedRequestId)\b/.test(a.format)) {
    fail('BadRequestException', 'Access Log format must contain at least one of $context.requestId or $context.extendedRequestId');
  }
}

/** One key of a string map patched (stage variables, a canary's overrides): `remove` drops it, anything else sets it. */
function patchEntry(map: Record<string, string> | undefined, key: string, op: { op?: string | undefined; value?: string | undefined }): Record<string, string> {
  const out = map ?? {};
  if (op.op === 'remove') delete out[key];
  else out[key] = op.value ?? '';
  return out;
}

function applyStagePatch(api: ApiRecord, stage: StageRecord, ops: PatchOperation[]): void {
  for (const op of ops) {
    const path = op.path ?? '';
    if (patchMethodSetting(stage, op) || patchAccessLog(stage, op)) continue;
    if (path === '/deploymentId' && op.op === 'replace') {
      if (op.value === undefined || !api.deployments[op.value]) fail('BadRequestException', 'Invalid deployment identifier specified');
      stage.deploymentId = op.value;
    } else if (path === '/description' && op.op === 'replace') {
      // UpdateStage patches the stage's description (API_UpdateStage, patch-operations.html).
      stage.description = op.value;
    } else if (path === '/tracingEnabled' && op.op === 'replace') {
      // A boolean patched as its text (API_UpdateStage: tracingEnabled is a boolean; patch values are strings).
      if (op.value !== 'true' && op.value !== 'false') fail('BadRequestException', `Invalid value '${op.value ?? ''}' for /tracingEnabled: true or false`);
      stage.tracingEnabled = op.value === 'true';
    } else if (path === '/canarySettings' && op.op === 'remove') {
      // Disabling a canary removes its settings; the stage serves its own deployment to every request
      // (https://docs.aws.amazon.com/apigateway/latest/developerguide/delete-canary-deployment.html).
      delete stage.canarySettings;
    } else if ((path.startsWith('/canarySettings/') && op.op !== 'remove') || path.startsWith('/canarySettings/stageVariableOverrides/')) {
      // A canary is enabled by patching its settings; it starts on the stage's own deployment ("Because we just enabled a
      // canary on an existing version of the API, both ... point to the same deployment", create-canary-deployment.html).
      const canary = stage.canarySettings ?? { deploymentId: stage.deploymentId, percentTraffic: 0 };
      const field = path.slice('/canarySettings/'.length);
      if (field === 'deploymentId') {
        if (op.value === undefined || !api.deployments[op.value]) fail('BadRequestException', 'Invalid deployment identifier specified');
        canary.deploymentId = op.value;
      } else if (field === 'percentTraffic') {
        const pct = Number(op.value);
        if (!(pct >= 0 && pct <= 100)) fail('BadRequestException', 'Canary traffic percentage must be between 0.0 and 100.0');
        canary.percentTraffic = pct;
      } else if (field === 'useStageCache') {
        canary.useStageCache = op.value === 'true';
      } else if (field.startsWith('stageVariableOverrides/')) {
        canary.stageVariableOverrides = patchEntry(canary.stageVariableOverrides, field.slice('stageVariableOverrides/'.length), op);
      } else {
        fail('BadRequestException', `Invalid patch path '${path}' specified for op '${op.op ?? ''}'`);
      }
      stage.canarySettings = canary;
    } else if (path.startsWith('/variables/')) {
      stage.variables = patchEntry(stage.variables, path.slice('/variables/'.length), op);
    } else {
      fail('BadRequestException', `Invalid patch path '${path}' specified for op '${op.op ?? ''}'`);
    }
  }
}

const accountOut = (ctx: { state: FakeState }): Out<GetAccountCommandOutput> => compact({
  cloudwatchRoleArn: ctx.state.apigateway.account?.cloudwatchRoleArn, throttleSettings: { burstLimit: 5000, rateLimit: 10000 },
  features: ['UsagePlans'], apiKeyVersion: '4',
});

export const stageHandlers: Handlers = {
  // The account's settings in the region (API_GetAccount, API_UpdateAccount): the CloudWatch role API Gateway logs with.
  GetAccount: (ctx): Out<GetAccountCommandOutput> => accountOut(ctx),

  UpdateAccount(ctx, input: UpdateAccountCommandInput): Out<UpdateAccountCommandOutput> {
    for (const op of input.patchOperations ?? []) {
      if (op.path !== '/cloudwatchRoleArn' || op.op !== 'replace') fail('BadRequestException', `Invalid patch path '${op.path ?? ''}' specified for op '${op.op ?? ''}'`);
      if (op.value && !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(op.value)) fail('BadRequestException', 'The role ARN is not well formed');
      ctx.state.apigateway.account = { ...ctx.state.apigateway.account, ...(op.value ? { cloudwatchRoleArn: op.value } : {}) };
      if (!op.value) delete ctx.state.apigateway.account.cloudwatchRoleArn;
    }
    return accountOut(ctx);
  },

  CreateDeployment(ctx, input: CreateDeploymentCommandInput): Out<CreateDeploymentCommandOutput> {
    const api = getApi(ctx, input.restApiId);
    const withMethods = Object.values(api.resources).filter((r) => Object.keys(r.methods).length > 0);
    if (withMethods.length === 0) fail('BadRequestException', "The REST API doesn't contain any methods");
    for (const r of withMethods) {
      if (Object.values(r.methods).some((m) => !m.methodIntegration)) fail('BadRequestException', 'No integration defined for method');
    }
    if (input.stageName !== undefined && !/^[a-zA-Z0-9_-]{1,128}$/.test(input.stageName)) {
      fail('BadRequestException', 'Stage name only allows a-zA-Z0-9_-');
    }
    const target = input.stageName !== undefined ? api.stages[input.stageName] : undefined;
    // A canary release deployment goes into a stage that exists (terraform-provider-aws#39929: "Stage test must already be
    // created before making a canary release deployment"); while a stage has a canary, every deployment into it must be
    // one (serverless/serverless#11518; canary-release.html: "the deployment stage cannot be associated with another
    // non-canary release deployment until the canary release is disabled").
    if (input.canarySettings && input.stageName !== undefined && !target) {
      fail('BadRequestException', `Invalid deployment content specified.Stage ${input.stageName} must already be created before making a canary release deployment`);
    }
    if (target?.canarySettings && !input.canarySettings) {
      fail('BadRequestException', `Invalid deployment content specified.Non canary deployment not supported on stage ${target.stageName} because Canary is enabled. Provide CanarySettings in deploymentInput.`);
    }
    const s = ctx.state;
    const id = uniqueId(s, api.deployments, () => randomString(s, 6, LOWER_ALNUM));
    const now = ctx.now();
    const d: DeploymentRecord = compact({
      id, description: input.description, createdDate: now,
      snapshot: Object.fromEntries(withMethods.map((r) => [r.path, copy(r.methods)])),
    });
    api.deployments[id] = d;
    if (input.stageName !== undefined) {
      const existing = api.stages[input.stageName];
      if (existing && input.canarySettings) {
        // A canary release deployment goes to the canary; the stage keeps serving its deployment to the rest
        // (create-canary-deployment.html: "The newer deploymentId value is set on the canarySettings").
        const c = input.canarySettings;
        existing.canarySettings = compact({ deploymentId: id, percentTraffic: c.percentTraffic ?? 0, stageVariableOverrides: copy(c.stageVariableOverrides), useStageCache: c.useStageCache });
        existing.lastUpdatedDate = now;
      } else if (existing) {
        // stageDescription describes only a stage this call creates (API_CreateDeployment: "The description of the
        // Stage resource for the Deployment resource to create"); an existing stage keeps its description.
        existing.deploymentId = id;
        existing.lastUpdatedDate = now;
        // Its variables stay unless given (create-canary-deployment.html: after a second CreateDeployment into prod the
        // stage still has the sv0/sv1 the first one set).
        if (input.variables) existing.variables = { ...existing.variables, ...input.variables };
      } else {
        api.stages[input.stageName] = compact({
          stageName: input.stageName, deploymentId: id, description: input.stageDescription, variables: copy(input.variables),
          tracingEnabled: input.tracingEnabled, createdDate: now, lastUpdatedDate: now, tags: {},
        });
      }
    }
    return deploymentOut(d);
  },

  GetDeployment(ctx, input: GetDeploymentCommandInput): Out<GetDeploymentCommandOutput> {
    const d = getApi(ctx, input.restApiId).deployments[input.deploymentId ?? ''];
    if (!d) fail('NotFoundException', 'Invalid Deployment identifier specified');
    return deploymentOut(d, input.embed);
  },

  GetDeployments(ctx, input: GetDeploymentsCommandInput): Out<GetDeploymentsCommandOutput> {
    const api = getApi(ctx, input.restApiId);
    return pageOf(Object.values(api.deployments).map((d) => deploymentOut(d)), input.position, input.limit);
  },

  DeleteDeployment(ctx, input: DeleteDeploymentCommandInput): object {
    const api = getApi(ctx, input.restApiId);
    if (!api.deployments[input.deploymentId ?? '']) fail('NotFoundException', 'Invalid Deployment identifier specified');
    if (Object.values(api.stages).some((st) => st.deploymentId === input.deploymentId || st.canarySettings?.deploymentId === input.deploymentId)) {
      fail('BadRequestException', 'Active stages pointing to this deployment must be moved or deleted');
    }
    delete api.deployments[input.deploymentId ?? ''];
    return {};
  },

  CreateStage(ctx, input: CreateStageCommandInput): Out<CreateStageCommandOutput> {
    const api = getApi(ctx, input.restApiId);
    const name = input.stageName ?? '';
    if (!/^[a-zA-Z0-9_-]{1,128}$/.test(name)) fail('BadRequestException', 'Stage name only allows a-zA-Z0-9_-');
    if (api.stages[name]) fail('ConflictException', 'Stage already exists');
    if (!api.deployments[input.deploymentId ?? '']) fail('BadRequestException', 'Invalid deployment identifier specified');
    const now = ctx.now();
    const st: StageRecord = compact({
      stageName: name, deploymentId: input.deploymentId ?? '', description: input.description, variables: copy(input.variables),
      tracingEnabled: input.tracingEnabled, createdDate: now, lastUpdatedDate: now, tags: { ...input.tags },
    });
    api.stages[name] = st;
    return stageOut(st);
  },

  GetStage(ctx, input: GetStageCommandInput): Out<GetStageCommandOutput> {
    const st = getApi(ctx, input.restApiId).stages[input.stageName ?? ''];
    if (!st) fail('NotFoundException', 'Invalid Stage identifier specified');
    return stageOut(st);
  },

  GetStages(ctx, input: GetStagesCommandInput): Out<GetStagesCommandOutput> {
    const stages = Object.values(getApi(ctx, input.restApiId).stages);
    return { item: stages.filter((st) => input.deploymentId === undefined || st.deploymentId === input.deploymentId).map(stageOut) };
  },

  UpdateStage(ctx, input: UpdateStageCommandInput): Out<UpdateStageCommandOutput> {
    const api = getApi(ctx, input.restApiId);
    const st = api.stages[input.stageName ?? ''];
    if (!st) fail('NotFoundException', 'Invalid Stage identifier specified');
    const draft = copy(st);
    applyStagePatch(api, draft, input.patchOperations ?? []);
    checkAccessLog(ctx, draft);
    draft.lastUpdatedDate = ctx.now();
    api.stages[draft.stageName] = draft;
    return stageOut(draft);
  },

  DeleteStage(ctx, input: DeleteStageCommandInput): object {
    const api = getApi(ctx, input.restApiId);
    if (!api.stages[input.stageName ?? '']) fail('NotFoundException', 'Invalid Stage identifier specified');
    delete api.stages[input.stageName ?? ''];
    return {};
  },
};
