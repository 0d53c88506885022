/**
 * In-place updates of the authorizer, the REST API and the deployment (UpdateAuthorizer, UpdateRestApi,
 * CreateDeployment); a method's and a preflight's live beside their create, in api-method.ts and cors-preflight.ts.
 * Each reads what is live first and sends only what differs, so the same update also repairs drift, and sending it
 * again after a crash changes nothing.
 * AWS: UpdateMethod / UpdateAuthorizer / UpdateRestApi take JSON-patch operations
 * (https://docs.aws.amazon.com/apigateway/latest/api/API_UpdateMethod.html, .../patch-operations.html);
 * PutIntegration and PutIntegrationResponse set (overwrite) the integration and its response.
 */
import {
  CreateDeploymentCommand, GetAuthorizerCommand, GetDeploymentCommand, GetRestApiCommand, TagResourceCommand,
  UntagResourceCommand, UpdateAuthorizerCommand, UpdateRestApiCommand, UpdateStageCommand,
  type PatchOperation,
} from '@aws-sdk/client-api-gateway';
import type { FieldChange } from '../plan/changes.js';
import type { SpecByKind } from '../plan/specs.js';
import { patchReplace as replace } from './api-method.js';
import { depOut, restApiArn, restApiIdOf, undefinedIfNotFound } from './refs.js';
import { tagChange } from './tags.js';
import { getStage } from './api-stage.js';
import type { Ctx, Out, Outputs } from './types.js';

export async function updateAuthorizer(ctx: Ctx, want: SpecByKind['authorizer'], out: Out, deps: Outputs): Promise<Out> {
  const api = ctx.clients.apigateway;
  const restApiId = restApiIdOf(deps);
  const live = await api.send(new GetAuthorizerCommand({ restApiId, authorizerId: out.authorizerId }));
  const poolArn = depOut(deps, want.poolNode, 'userPoolArn');
  const source = `method.request.header.${want.identityHeader}`;
  const ops: PatchOperation[] = [];
  if (live.name !== want.name) ops.push(replace('/name', want.name));
  if (live.type !== 'COGNITO_USER_POOLS') ops.push(replace('/type', 'COGNITO_USER_POOLS'));
  if (live.identitySource !== source) ops.push(replace('/identitySource', source));
  if (live.authorizerResultTtlInSeconds !== want.ttlSeconds) ops.push(replace('/authorizerResultTtlInSeconds', String(want.ttlSeconds)));
  const arns = live.providerARNs ?? [];
  if (arns.length === 0) ops.push({ op: 'add', path: '/providerARNs', value: poolArn });
  else if (arns[0] !== poolArn) ops.push(replace('/providerARNs/0', poolArn));
  for (const extra of arns.slice(1)) ops.push({ op: 'remove', path: '/providerARNs', value: extra });
  if (ops.length) await api.send(new UpdateAuthorizerCommand({ restApiId, authorizerId: out.authorizerId, patchOperations: ops }));
  return { authorizerId: out.authorizerId ?? '' };
}

export async function updateRestApi(ctx: Ctx, want: SpecByKind['rest-api'], out: Out, fields: FieldChange[] = []): Promise<Out> {
  const api = ctx.clients.apigateway;
  const live = await api.send(new GetRestApiCommand({ restApiId: out.apiId }));
  // Tags are not patched: UpdateRestApi has no tags path; TagResource / UntagResource take the API's ARN.
  const tags = tagChange(ctx, want.tags, live.tags, fields);
  const arn = restApiArn(ctx, out.apiId ?? '');
  if (Object.keys(tags.set).length) await api.send(new TagResourceCommand({ resourceArn: arn, tags: tags.set }));
  if (tags.remove.length) await api.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: tags.remove }));
  const ops: PatchOperation[] = [];
  if (live.name !== want.name) ops.push(replace('/name', want.name));
  if ((live.description ?? '') !== want.description) ops.push(replace('/description', want.description));
  const type = live.endpointConfiguration?.types?.[0];
  // Switching EDGE ↔ REGIONAL is a patch of the type itself (API Gateway docs, "Change a public API endpoint type").
  if (type && type !== want.endpointType) ops.push(replace(`/endpointConfiguration/types/${type}`, want.endpointType));
  if (ops.length) await api.send(new UpdateRestApiCommand({ restApiId: out.apiId, patchOperations: ops }));
  return out;
}

/**
 * The deployment a stopped run made before it could record it: the stage serves one newer than the recorded
 * deployment, with our description. Only asked when nothing under the API changed since (the caller's `resumed`),
 * so that deployment already publishes everything; making another would leave one more for nothing.
 */
export async function deploymentMadeByStoppedRun(ctx: Ctx, restApiId: string, want: { stageName: string; description: string }, recorded: Out): Promise<string | undefined> {
  const stage = await getStage(ctx, restApiId, want.stageName);
  const servingId = stage?.deploymentId;
  if (!servingId || servingId === recorded.deploymentId) return undefined;
  const [serving, ours] = await Promise.all([
    undefinedIfNotFound(ctx.clients.apigateway.send(new GetDeploymentCommand({ restApiId, deploymentId: servingId }))),
    recorded.deploymentId ? undefinedIfNotFound(ctx.clients.apigateway.send(new GetDeploymentCommand({ restApiId, deploymentId: recorded.deploymentId }))) : undefined,
  ]);
  if (serving?.description !== want.description || !serving.createdDate) return undefined;
  // Older than ours: a rollback to an earlier deployment, not the stopped run's (createdDate has whole seconds on AWS,
  // so the same second is not older).
  if (ours?.createdDate && serving.createdDate < ours.createdDate) return undefined;
  return servingId;
}

/**
 * A new deployment into the stage: CreateDeployment with a stageName points the existing stage at it. Its
 * stageDescription only describes a stage it creates ("The description of the Stage resource for the Deployment
 * resource to create", API_CreateDeployment), so a changed description is patched on the stage with UpdateStage.
 * CreateDeployment is not idempotent (each call makes one): given `resumedFrom`, the recorded outputs of an update a
 * stopped run had journaled, the deployment that run made, if it made one, is taken instead of a second.
 */
export async function redeploy(ctx: Ctx, want: SpecByKind['deployment'], deps: Outputs, fields: FieldChange[] = [], resumedFrom?: Out): Promise<Out> {
  const restApiId = restApiIdOf(deps);
  let id = resumedFrom ? await deploymentMadeByStoppedRun(ctx, restApiId, want, resumedFrom) : undefined;
  if (!id) {
    const res = await ctx.clients.apigateway.send(new CreateDeploymentCommand({
      restApiId, stageName: want.stageName, stageDescription: want.stageDescription, description: want.description,
    }));
    if (!res.id) throw new Error(`CreateDeployment returned no id for stage ${want.stageName}`);
    id = res.id;
  }
  if (fields.some((f) => f.path === 'stageDescription')) {
    await ctx.clients.apigateway.send(new UpdateStageCommand({ restApiId, stageName: want.stageName, patchOperations: [replace('/description', want.stageDescription)] }));
  }
  return { deploymentId: id, stageName: want.stageName };
}
