import { sometimes } from './declared-calls.js';
import type { DriftChange, FieldChange } from '../plan/changes.js';
import {
  CreateFunctionCommand, DeleteFunctionCommand, GetFunctionCommand, GetFunctionConfigurationCommand, ListTagsCommand, TagResourceCommand,
  UntagResourceCommand, UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand, type FunctionConfiguration, type Runtime,
} from '@aws-sdk/client-lambda';
import { awsErrorName } from '../aws/errors.js';
import { withRetry } from '../aws/retry.js';
import { AwsFailure, Interrupted } from '../errors.js';
import type { SpecByKind } from '../plan/specs.js';
import { buildSampleFunctionZip } from './sample-function.js';
import { depOut, errorMessage, ignoreNotFound, isOurs, ownerText, undefinedIfNotFound } from './refs.js';
import { isTagField, tagChange, tagDrift, wantedTags } from './tags.js';
import type { Ctx, Out, Outputs, ResourceHandler } from './types.js';
import { releaseFunction } from './release.js';
import { functionDrift, functionEnvironment, functionSettings } from './lambda-function-settings.js';

type Spec = SpecByKind['lambda-function'];

/** IAM is eventually consistent: a role made seconds ago is refused with this until it has propagated. */
export function isRoleNotYetAssumable(err: unknown): boolean {
  return awsErrorName(err) === 'InvalidParameterValueException' && /cannot be assumed/i.test(errorMessage(err));
}

/** How long we give a new role to become assumable, and a function to leave Pending. */
const ROLE_PROPAGATION_MS = 90_000;
const ACTIVE_WAIT_MS = 120_000;

function toOut(conf: FunctionConfiguration | undefined, name: string): Out {
  if (!conf?.FunctionArn) throw new Error(`Lambda returned no ARN for ${name}`);
  return { functionName: conf.FunctionName ?? name, functionArn: conf.FunctionArn };
}

/** Poll while the function is Pending (bounded); returns its last configuration, whatever the state. */
async function settle(ctx: Ctx, name: string, initial: FunctionConfiguration): Promise<FunctionConfiguration> {
  const start = ctx.now();
  let delay = 250;
  let conf = initial;
  while (conf.State === 'Pending' && ctx.now() - start + delay <= ACTIVE_WAIT_MS) {
    await ctx.sleep(delay);
    delay = Math.min(2_000, delay * 2);
    conf = await ctx.clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
  }
  return conf;
}

/** Wait until the function can be invoked; 'Failed' is final and carries AWS's reason. */
export async function waitUntilActive(ctx: Ctx, name: string, initial: FunctionConfiguration): Promise<FunctionConfiguration> {
  const conf = await settle(ctx, name, initial);
  // Inactive is an idle function that wakes on its next invoke; some emulators report no State at all.
  if (conf.State === 'Active' || conf.State === 'Inactive' || conf.State === undefined) return conf;
  if (conf.State === 'Failed') {
    throw new AwsFailure(`Lambda function ${name} failed to become active: ${conf.StateReason ?? conf.StateReasonCode ?? 'no reason given'}`, {
      code: 'LAMBDA_FAILED', awsName: conf.StateReasonCode,
      hint: (cmd) => `Run \`${cmd('destroy')}\` to remove it, then \`${cmd('init')}\` again.`,
    });
  }
  throw new AwsFailure(`Lambda function ${name} is still ${conf.State} after ${ACTIVE_WAIT_MS / 1000} s`, {
    code: 'LAMBDA_TIMEOUT', hint: (cmd) => `Run \`${cmd('init')}\` again to resume once it is Active.`,
  });
}

async function findOurs(ctx: Ctx, name: string): Promise<FunctionConfiguration | undefined> {
  const conf = await undefinedIfNotFound(ctx.clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name })));
  if (!conf?.FunctionArn) return undefined;
  // Same name, other owner (another stack, or another state's stack of the same name): leave it alone; the pre-flight
  // refuses the name. GetFunction returns Tags only to a caller allowed lambda:ListTags, so ask ListTags itself.
  return isOurs(ctx, await functionTags(ctx, conf.FunctionArn)) ? conf : undefined;
}

/** A function's tags (ListTags takes its ARN); undefined when it is gone. */
export async function functionTags(ctx: Pick<Ctx, 'clients'>, functionArn: string): Promise<Record<string, string> | undefined> {
  return (await undefinedIfNotFound(ctx.clients.lambda.send(new ListTagsCommand({ Resource: functionArn }))))?.Tags ?? undefined;
}

/** The sample function: the zip is built in memory from ./sample-function.ts. */
export const lambdaFunctionHandler: ResourceHandler<Spec> = {
  kind: 'lambda-function',
  calls: {
    // The new function is read until it is Active.
    create: ['lambda:CreateFunction', 'lambda:GetFunctionConfiguration', sometimes('lambda:ListTags', 'the answer was lost: find looks for it')],
    nameTaken: ['lambda:GetFunctionConfiguration', sometimes('lambda:ListTags', 'a function of that name exists')],
    find: ['lambda:GetFunctionConfiguration', 'lambda:ListTags'],
    read: ['lambda:GetFunction', sometimes('lambda:ListTags', 'the spec has user tags to compare')],
    tags: ['lambda:ListTags'],
    update: [
      sometimes('lambda:UpdateFunctionCode', 'routes are restricted to groups and the code is not this sample\'s enforcer'),
      sometimes('lambda:UpdateFunctionConfiguration', 'a setting differs'), sometimes('lambda:GetFunctionConfiguration', 'an update is waited out'),
      'lambda:ListTags', sometimes('lambda:TagResource', 'a tag is missing or differs'), sometimes('lambda:UntagResource', 'a user tag was dropped'),
    ],
    delete: ['lambda:DeleteFunction'],
    release: ['lambda:UntagResource'],
  },
  policyNames: (spec, out) => ({ functionNames: out.functionName ?? spec?.functionName }),
  service: 'lambda',
  immutable: ['functionName'],
  update: (ctx, want, out, deps, fields) => updateLambdaFunction(ctx, want, out, deps, fields),
  release: (ctx, _spec, out) => releaseFunction(ctx, out),

  async create(ctx, spec, deps) {
    const command = new CreateFunctionCommand({
      FunctionName: spec.functionName,
      Runtime: spec.runtime as Runtime,
      Role: depOut(deps, spec.roleNode, 'roleArn'),
      Handler: spec.handler,
      Code: { ZipFile: buildSampleFunctionZip() },
      Description: spec.description,
      MemorySize: spec.memoryMb,
      Timeout: spec.timeoutSeconds,
      // The CORS origin the sample answers with, and the routes it restricts to groups.
      Environment: { Variables: functionEnvironment(spec) },
      Tags: wantedTags(ctx, spec.tags),
    });
    let noted = false;
    let created: FunctionConfiguration;
    try {
      created = await withRetry(() => ctx.clients.lambda.send(command), {
        sleep: ctx.sleep, now: ctx.now, baseMs: 250, capMs: 2_000, maxElapsedMs: ROLE_PROPAGATION_MS,
        retryable: isRoleNotYetAssumable,
        onRetry: () => {
          if (!noted) ctx.note('waiting for the new IAM role to propagate…');
          noted = true;
        },
      });
    } catch (err) {
      // A retried call whose first attempt did land: the function exists and is ours.
      if (awsErrorName(err) !== 'ResourceConflictException') throw err;
      const existing = await findOurs(ctx, spec.functionName);
      if (!existing) throw err;
      created = existing;
    }
    return toOut(await waitUntilActive(ctx, spec.functionName, created), spec.functionName);
  },

  rename: { change: '`function.name` in a --config file' },
  async nameTaken(ctx, spec) {
    // The configuration only: GetFunction would also hand out the code's download URL, which a name check never needs
    // (and the operator policy grants GetFunction on secure-api's own functions only).
    const conf = await undefinedIfNotFound(ctx.clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: spec.functionName })));
    if (!conf?.FunctionArn) return undefined;
    const tags = await functionTags(ctx, conf.FunctionArn);
    return isOurs(ctx, tags) ? undefined : { what: 'Lambda function', name: spec.functionName, owner: ownerText(tags) };
  },

  async find(ctx, spec) {
    const conf = await findOurs(ctx, spec.functionName);
    if (!conf) return undefined;
    // Never throw for an unhealthy function here: destroy adopts through find too, and must still delete it.
    // Ctrl-C during the wait: its ids are known and worth recording; becoming Active is AWS's business.
    const settled = await settle(ctx, spec.functionName, conf).catch((err: unknown) => {
      if (err instanceof Interrupted) return conf;
      throw err;
    });
    if (settled.State === 'Failed') ctx.note(`Lambda function ${spec.functionName} is Failed: ${settled.StateReason ?? 'no reason given'}`);
    return toOut(settled, spec.functionName);
  },

  // The tags of the function delete and update act on: the one of that name (unmatched refuses an ARN of another).
  async tags(ctx, out, spec) {
    const name = out.functionName ?? spec?.functionName;
    // ListTags: GetFunction hides Tags from a caller without lambda:ListTags. A function without tags answers {}.
    const byArn = out.functionArn ? await functionTags(ctx, out.functionArn) : undefined;
    if (byArn || !name) return byArn;
    // No ARN, or none there (another region or account): is there one of that name where delete would act?
    const conf = (await undefinedIfNotFound(ctx.clients.lambda.send(new GetFunctionCommand({ FunctionName: name }))))?.Configuration;
    if (!conf) return undefined;
    return conf.FunctionArn ? ((await functionTags(ctx, conf.FunctionArn)) ?? {}) : {};
  },

  unmatched(spec, out) {
    const name = out.functionName ?? spec?.functionName;
    if (!name) return out.functionArn ? `no function name recorded with ${out.functionArn}` : undefined;
    if (out.functionArn && !out.functionArn.endsWith(`:function:${name}`)) return `the recorded ARN ${out.functionArn} does not name function ${name}`;
    return undefined;
  },

  async read(ctx, spec, out, deps) {
    const name = out.functionName ?? spec.functionName;
    const res = await undefinedIfNotFound(ctx.clients.lambda.send(new GetFunctionCommand({ FunctionName: name })));
    const conf = res?.Configuration;
    if (!conf) return { state: 'missing' };
    const drift: DriftChange[] = [];
    if (conf.State === 'Failed') drift.push({ path: 'state', before: 'Active', after: 'Failed', context: conf.StateReason ? { reason: conf.StateReason } : {} });
    drift.push(...functionDrift(spec, deps[spec.roleNode]?.roleArn, conf));
    // The user's tags, when there are any: GetFunction hides Tags from a caller without lambda:ListTags, so ask ListTags.
    if (spec.tags && conf.FunctionArn) drift.push(...tagDrift(spec.tags, await functionTags(ctx, conf.FunctionArn)));
    return drift.length > 0 ? { state: 'drifted', drift, out } : { state: 'present', out };
  },

  async delete(ctx, spec, out) {
    await ignoreNotFound(ctx.clients.lambda.send(new DeleteFunctionCommand({ FunctionName: out.functionName ?? spec.functionName })));
  },
  // destroy --orphans: which role a found function uses is not read, so every found role goes after every function.
  // Made after its role and its log group, so deleted before them (a run meanwhile would make the group again).
  fromFound: (found, all) => ({ out: { functionName: found.id }, before: all.filter((r) => r.kind === 'iam-role' || r.kind === 'log-group') }),
};

/**
 * In place: UpdateFunctionConfiguration changes memory, timeout, runtime, role, description and environment
 * (https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionConfiguration.html); only what it is given
 * changes (tags are set apart, with TagResource / UntagResource). The update runs asynchronously (LastUpdateStatus
 * InProgress), so we wait for it like a create.
 */

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
      { hint: (cmd) => `Run \`${cmd('init')}\` again once it has settled: it goes on from here.`, code: 'LAMBDA_BUSY' });
  }
  const arn = live.FunctionArn ?? out.functionArn ?? name;
  // Tags are not configuration: TagResource / UntagResource on the function's ARN. A change of tags alone stops
  // there: no UpdateFunctionConfiguration to wait out.
  const tags = tagChange(ctx, want.tags, await functionTags(ctx, arn), fields);
  if (Object.keys(tags.set).length) await ctx.clients.lambda.send(new TagResourceCommand({ Resource: arn, Tags: tags.set }));
  if (tags.remove.length) await ctx.clients.lambda.send(new UntagResourceCommand({ Resource: arn, TagKeys: tags.remove }));
  // Tags alone, or a repair of tags alone (no field changed, the configuration as wanted: the comparison status makes).
  if (fields.every(isTagField) && functionDrift(want, role, live).length === 0 && live.State !== 'Failed') return out;
  // Routes restricted to groups need the code that enforces them: an older sample (or code changed by hand) is
  // replaced by this version's (UpdateFunctionCode) first, so the groups the configuration sets next are enforced at once.
  const code = functionSettings(want, role).code;
  if (code !== undefined && live.CodeSha256 !== code) {
    const c = await ctx.clients.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: buildSampleFunctionZip() }));
    await waitForUpdate(ctx, name, c);
  }
  const conf = await ctx.clients.lambda.send(new UpdateFunctionConfigurationCommand({
    FunctionName: name,
    Runtime: want.runtime as Runtime,
    Role: role,
    Handler: want.handler,
    Description: want.description,
    MemorySize: want.memoryMb,
    Timeout: want.timeoutSeconds,
    Environment: { Variables: functionEnvironment(want) },
  }));
  await waitForUpdate(ctx, name, conf);
  return { ...out, ...(conf.FunctionArn ? { functionArn: conf.FunctionArn } : {}) };
}
