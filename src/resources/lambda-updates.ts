/**
 * In place: UpdateFunctionConfiguration changes memory, timeout, runtime, role, description and environment
 * (https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionConfiguration.html); only what it is given
 * changes (tags are set apart, with TagResource / UntagResource). The update runs asynchronously (LastUpdateStatus
 * InProgress), so we wait for it like a create.
 */
import {
  GetFunctionConfigurationCommand, TagResourceCommand, UntagResourceCommand, UpdateFunctionConfigurationCommand, type FunctionConfiguration, type Runtime,
} from '@aws-sdk/client-lambda';
import { AwsFailure } from '../errors.js';
import type { FieldChange } from '../plan/changes.js';
import type { SpecByKind } from '../plan/specs.js';
import { functionTags } from './lambda-function.js';
import { functionDrift } from './lambda-function-settings.js';
import { isTagField, tagChange } from './tags.js';
import { depOut } from './refs.js';
import type { Ctx, Out, Outputs } from './types.js';

const UPDATE_WAIT_MS = 60_000;

/** The configuration once no update is in progress (bounded); a last update that Failed is returned, not thrown. */
async function settledUpdate(ctx: Ctx, name: string, initial: FunctionConfiguration): Promise<FunctionConfiguration> {
  const start = ctx.now();
  let conf = initial;
  let delay = 250;
  while (conf.LastUpdateStatus === 'InProgress' && ctx.now() - start + delay <= UPDATE_WAIT_MS) {
    await ctx.sleep(delay);
    delay = Math.min(delay * 2, 2_000);
    conf = await ctx.clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
  }
  return conf;
}

async function waitForUpdate(ctx: Ctx, name: string, initial: FunctionConfiguration): Promise<void> {
  const conf = await settledUpdate(ctx, name, initial);
  if (conf.LastUpdateStatus === 'Failed') {
    throw new AwsFailure(`Updating Lambda function ${name} failed: ${conf.LastUpdateStatusReason ?? 'no reason given'}`);
  }
}

export async function updateLambdaFunction(ctx: Ctx, want: SpecByKind['lambda-function'], out: Out, deps: Outputs, fields: FieldChange[] = []): Promise<Out> {
  const name = out.functionName ?? want.functionName;
  const role = depOut(deps, want.roleNode, 'roleArn');
  // An update still in progress (a run killed while it waited) refuses another operation (ResourceConflictException,
  // TagResource included): wait it out first. One that Failed is what this update may put right: go on.
  const live = await settledUpdate(ctx, name, await ctx.clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name })));
  if (live.LastUpdateStatus === 'InProgress') {
    throw new AwsFailure(`Lambda function ${name} still has an update in progress after ${UPDATE_WAIT_MS / 1000} s (Lambda refuses any other change meanwhile)`,
      { hint: 'Run `secure-api init` again once it has settled: it goes on from here.', code: 'LAMBDA_BUSY' });
  }
  const arn = live.FunctionArn ?? out.functionArn ?? name;
  // Tags are not configuration: TagResource / UntagResource on the function's ARN. A change of tags alone stops
  // there: no UpdateFunctionConfiguration to wait out.
  const tags = tagChange(ctx, want.tags, await functionTags(ctx, arn), fields);
  if (Object.keys(tags.set).length) await ctx.clients.lambda.send(new TagResourceCommand({ Resource: arn, Tags: tags.set }));
  if (tags.remove.length) await ctx.clients.lambda.send(new UntagResourceCommand({ Resource: arn, TagKeys: tags.remove }));
  // Tags alone, or a repair of tags alone (no field changed, the configuration as wanted: the comparison status makes).
  if (fields.every(isTagField) && functionDrift(want, role, live).length === 0 && live.State !== 'Failed') return out;
  const conf = await ctx.clients.lambda.send(new UpdateFunctionConfigurationCommand({
    FunctionName: name,
    Runtime: want.runtime as Runtime,
    Role: role,
    Handler: want.handler,
    Description: want.description,
    MemorySize: want.memoryMb,
    Timeout: want.timeoutSeconds,
    Environment: { Variables: { CORS_ORIGIN: want.corsOrigin } },
  }));
  await waitForUpdate(ctx, name, conf);
  return { ...out, ...(conf.FunctionArn ? { functionArn: conf.FunctionArn } : {}) };
}
