import { sometimes } from './declared-calls.js';
import type { DriftChange } from '../plan/changes.js';
import {
  CreateDeploymentCommand, DeleteStageCommand, GetDeploymentCommand, GetDeploymentsCommand,
  type Deployment, type Method, type MethodSnapshot,
} from '@aws-sdk/client-api-gateway';
import { createOnceIn } from '../aws/create-once.js';
import type { SpecByKind } from '../plan/specs.js';
import { apiTree, ignoreNotFound, restApiIdOf, undefinedIfNotFound } from './refs.js';
import type { Ctx, Observed, Out, Outputs, ResourceHandler } from './types.js';
import { POLICY_ONLY_PATHS, judgeStages, when } from './stage-policy.js';
import { getStage } from './api-stage.js';
import { redeploy } from './api-gateway-updates.js';

type Spec = SpecByKind['deployment'];

/** What a deployment serves, per path and HTTP method, as GetDeployment's `apiSummary` gives it. */
export type ApiSummary = Record<string, Record<string, MethodSnapshot>>;

/** The API's methods as configured now (not necessarily deployed), keyed "GET /items". */
export async function liveMethods(ctx: Ctx, restApiId: string): Promise<Map<string, Method> | undefined> {
  const tree = await apiTree(ctx, restApiId);
  if (!tree) return undefined;
  const methods = new Map<string, Method>();
  for (const r of tree) {
    for (const [verb, m] of Object.entries(r.resourceMethods ?? {})) methods.set(`${verb} ${r.path ?? '?'}`, m);
  }
  return methods;
}

async function allDeployments(ctx: Ctx, restApiId: string): Promise<Deployment[]> {
  const items: Deployment[] = [];
  let position: string | undefined;
  do {
    const page = await undefinedIfNotFound(ctx.clients.apigateway.send(new GetDeploymentsCommand({ restApiId, limit: 500, position })));
    items.push(...(page?.items ?? []));
    position = page?.position;
  } while (position);
  return items;
}

async function deploymentWithSummary(ctx: Ctx, restApiId: string, deploymentId: string | undefined): Promise<Deployment | undefined> {
  if (!deploymentId) return undefined;
  return undefinedIfNotFound(ctx.clients.apigateway.send(new GetDeploymentCommand({ restApiId, deploymentId, embed: ['apisummary'] })));
}

const authOf = (m: { authorizationType?: string | undefined } | undefined): string => m?.authorizationType ?? 'NONE';

/**
 * Methods whose authorization differs between what the stage serves and what is configured now: a change made
 * after the deployment (not live yet), or a deployment made from another configuration. Only authorizationType
 * is compared, as it is all a deployment's summary tells; authorizer settings are not visible per deployment.
 */
export function stageDiff(served: ApiSummary, live: Map<string, Method>, deploymentId: string): DriftChange[] {
  const out: DriftChange[] = [];
  const seen = new Set<string>();
  for (const [path, methods] of Object.entries(served)) {
    for (const [verb, snap] of Object.entries(methods)) {
      const key = `${verb} ${path}`;
      seen.add(key);
      const now = live.get(key);
      const context = { method: key, deployment: deploymentId };
      if (!now) out.push({ path: 'configured.authorizationType', before: authOf(snap), after: null, context });
      else if (authOf(now) !== authOf(snap)) out.push({ path: 'configured.authorizationType', before: authOf(snap), after: authOf(now), context });
    }
  }
  for (const [key, m] of live) {
    if (!seen.has(key)) out.push({ path: 'configured.authorizationType', before: null, after: authOf(m), context: { method: key, deployment: deploymentId } });
  }
  return out;
}

/**
 * How the deployment a stage serves differs from the one secure-api made (and verified): a method served with
 * another authorization type, one that is not served any more, or one served that secure-api never deployed.
 */
export function servedDiff(ours: ApiSummary, served: ApiSummary): DriftChange[] {
  const out: DriftChange[] = [];
  for (const [path, methods] of Object.entries(ours)) {
    for (const [verb, snap] of Object.entries(methods)) {
      const now = served[path]?.[verb];
      const context = { method: `${verb} ${path}` };
      if (!now) out.push({ path: 'served.authorizationType', before: authOf(snap), after: null, context });
      else if (authOf(now) !== authOf(snap)) out.push({ path: 'served.authorizationType', before: authOf(snap), after: authOf(now), context });
    }
  }
  for (const [path, methods] of Object.entries(served)) {
    for (const [verb, snap] of Object.entries(methods)) {
      if (!ours[path]?.[verb]) out.push({ path: 'served.authorizationType', before: null, after: authOf(snap), context: { method: `${verb} ${path}` } });
    }
  }
  return out;
}

/**
 * Deploy the API into the stage (creating the stage). Method and authorizer changes take effect only
 * through a new deployment, so the plan puts this node after every method.
 */
export const deploymentHandler: ResourceHandler<Spec> = {
  kind: 'deployment',
  calls: {
    create: ['apigateway:CreateDeployment', sometimes('apigateway:GetStage', 'the answer was lost: find looks for it')],
    find: ['apigateway:GetStage'],
    read: ['apigateway:GetStages', 'apigateway:GetDeployment', 'apigateway:GetResources',
      sometimes('apigateway:GetStage', 'a state made before the policy'), sometimes('apigateway:GetDeployments', 'a state made before the policy')],
    update: ['apigateway:CreateDeployment', sometimes('apigateway:UpdateStage', 'a stage setting differs')],
    delete: ['apigateway:DeleteStage'],
  },
  service: 'apigateway',
  // DeleteRestApi deletes the API's stages and deployments with it.
  deletedWithParent: true,
  publishes: true,
  // A stage cannot be renamed: the old stage is deleted and the deployment made into the new one.
  immutable: ['stageName'],
  update: (ctx, want, out, deps, fields, resumed) => redeploy(ctx, want, deps, fields, resumed ? out : undefined),

  async create(ctx, spec, deps) {
    // Not idempotent: a second deployment would show as "a newer deployment than the stage serves". The call makes
    // the stage too, so after a lost answer the stage says whether it landed (as find does on resume).
    return createOnceIn(ctx, `the deployment to stage ${spec.stageName}`, async () => {
      const res = await ctx.clients.apigateway.send(new CreateDeploymentCommand({
        restApiId: restApiIdOf(deps),
        stageName: spec.stageName,
        stageDescription: spec.stageDescription,
        description: spec.description,
      }));
      if (!res.id) throw new Error(`CreateDeployment returned no id for stage ${spec.stageName}`);
      return { deploymentId: res.id, stageName: spec.stageName };
    }, () => deploymentHandler.find(ctx, spec, deps));
  },

  async find(ctx, spec, deps) {
    const stage = await getStage(ctx, restApiIdOf(deps), spec.stageName);
    return stage?.deploymentId ? { deploymentId: stage.deploymentId, stageName: spec.stageName } : undefined;
  },

  /**
   * The policy judged on what every stage serves (./stage-policy.ts), as for an API the stack does not own: a
   * deployment someone else made that serves the same security is no drift; a method served open is named with its
   * stage and the deployment it came with. And, the API being ours, what our stage serves against the methods as
   * configured now (a stale stage: a change the next deployment would publish). A state made before the policy was
   * recorded keeps the deployment-id watch (readRecordedDeployment).
   */
  async read(ctx, spec, out, deps) {
    if (!spec.policy) return readRecordedDeployment(ctx, spec, out, deps);
    const restApiId = restApiIdOf(deps);
    const [judged, live] = await Promise.all([judgeStages(ctx, restApiId, out.stageName ?? spec.stageName, spec.policy), liveMethods(ctx, restApiId)]);
    if (judged.missing) return { state: 'missing' };
    const drift = [...judged.drift, ...(judged.ours && live ? stageDiff(judged.ours.summary, live, judged.ours.deploymentId) : [])];
    return drift.length > 0 ? { state: 'drifted', drift, out } : { state: 'present', out };
  },
  unrepairable: POLICY_ONLY_PATHS,

  // The deployment itself goes with the API; the stage is what serves traffic.
  async delete(ctx, spec, out, deps) {
    await ignoreNotFound(ctx.clients.apigateway.send(new DeleteStageCommand({
      restApiId: restApiIdOf(deps), stageName: out.stageName ?? spec.stageName,
    })));
  },
};

/**
 * The watch of a state made before the policy: the stage still serves our deployment, and nothing changed after it
 * (a stale stage): the deployed summary is compared with the methods as configured now, and no newer deployment of
 * the API exists. One round of reads in parallel; a second only when the stage serves another deployment.
 */
export async function readRecordedDeployment(ctx: Ctx, spec: Pick<Spec, 'stageName'>, out: Out, deps: Outputs): Promise<Observed> {
  const restApiId = restApiIdOf(deps);
  const stageName = out.stageName ?? spec.stageName;
  const [stage, ours, live, deployments] = await Promise.all([
    getStage(ctx, restApiId, stageName),
    deploymentWithSummary(ctx, restApiId, out.deploymentId),
    liveMethods(ctx, restApiId),
    allDeployments(ctx, restApiId),
  ]);
  if (!stage) return { state: 'missing' };
  const drift: DriftChange[] = [];
  const servingId = stage.deploymentId;
  const createdOf = (id: string | undefined) => (id === ours?.id ? ours?.createdDate : undefined) ?? deployments.find((d) => d.id === id)?.createdDate;
  let serving = ours;
  if (servingId !== out.deploymentId) {
    const theirs = createdOf(servingId);
    const mine = createdOf(out.deploymentId);
    const rel = theirs && mine ? (theirs > mine ? 'after' : theirs < mine ? 'before' : 'as') : undefined;
    const order = rel ? ` (${servingId ?? 'none'} made ${when(theirs)}, ${rel} ours at ${when(mine)})` : '';
    drift.push({ path: 'stage.deploymentId', before: out.deploymentId ?? null, after: servingId ?? null, context: { stage: stageName, order } });
    serving = await deploymentWithSummary(ctx, restApiId, servingId);
    if (ours?.apiSummary && serving?.apiSummary) drift.push(...servedDiff(ours.apiSummary, serving.apiSummary));
  }
  if (serving?.apiSummary && live && servingId) drift.push(...stageDiff(serving.apiSummary, live, servingId));
  const servingAt = createdOf(servingId);
  const newer = servingAt ? deployments.filter((d) => d.id !== servingId && d.id !== out.deploymentId && d.createdDate && d.createdDate > servingAt) : [];
  const newest = newer.sort((a, b) => (b.createdDate?.getTime() ?? 0) - (a.createdDate?.getTime() ?? 0))[0];
  if (newest) {
    drift.push({ path: 'newerDeployment', before: null, after: newest.id ?? null, context: { made: when(newest.createdDate), stage: stageName, servingMade: when(servingAt) } });
  }
  return drift.length > 0 ? { state: 'drifted', drift, out } : { state: 'present', out };
}
