import { sometimes } from './declared-calls.js';
import {
  CreateDeploymentCommand, DeleteDeploymentCommand, GetDeploymentCommand, GetDeploymentsCommand, GetStagesCommand,
  UpdateStageCommand, type Deployment,
} from '@aws-sdk/client-api-gateway';
import { createOnceIn } from '../aws/create-once.js';
import type { SpecByKind } from '../plan/specs.js';
import { deploymentMadeByStoppedRun } from './api-gateway-updates.js';
import { readRecordedDeployment } from './deployment.js';
import { POLICY_ONLY_PATHS, readStagePolicy } from './stage-policy.js';
import { ignoreNotFound, restApiIdOf, undefinedIfNotFound } from './refs.js';
import { getStage } from './api-stage.js';
import type { Ctx, ResourceHandler } from './types.js';

/** The description of the deployments secure-api makes into a stage of someone's API: how destroy knows them. */
export const ourDeploymentDescription = (stack: string): string => `secure-api ${stack}: Cognito authorizer attached`;


/** The description of the deployment a stage serves. */
async function servedDescription(ctx: Ctx, restApiId: string, stageName: string): Promise<string | undefined> {
  const stage = await getStage(ctx, restApiId, stageName);
  if (!stage?.deploymentId) return undefined;
  return (await undefinedIfNotFound(ctx.clients.apigateway.send(new GetDeploymentCommand({ restApiId, deploymentId: stage.deploymentId }))))?.description;
}

async function deploymentsOf(ctx: Ctx, restApiId: string): Promise<Deployment[]> {
  const items: Deployment[] = [];
  let position: string | undefined;
  do {
    const page = await ctx.clients.apigateway.send(new GetDeploymentsCommand({ restApiId, limit: 500, position }));
    items.push(...(page.items ?? []));
    position = page.position;
  } while (position);
  return items;
}

/**
 * The user's stage. Created first (every change of ours depends on it), so destroy reaches it last, once each method
 * has its prior authorization back: it then makes the stage serve what it served before — the deployment it pointed
 * at, when the stage still serves ours, or else a fresh deployment of the restored API (someone deployed since, and
 * their later changes must stay served) — and removes the deployments secure-api made that no stage uses.
 */
export const existingStageHandler: ResourceHandler<SpecByKind['existing-stage']> = {
  kind: 'existing-stage',
  calls: {
    capturePrior: ['apigateway:GetStage'],
    create: ['apigateway:GetStage'],
    find: ['apigateway:GetStage'],
    read: ['apigateway:GetStage'],
    // The stage serves again what it served before (or a fresh deployment of the restored API); our unused deployments go.
    delete: [
      'apigateway:GetStage', 'apigateway:GetDeployments', sometimes('apigateway:UpdateStage', 'the stage still serves ours and the prior deployment exists'),
      sometimes('apigateway:CreateDeployment', 'someone deployed since'), sometimes('apigateway:GetDeployment', 'a redeployment whose answer was lost'),
      'apigateway:GetStages', sometimes('apigateway:DeleteDeployment', 'a deployment of ours no stage serves'),
    ],
  },
  // The user's own resource, chosen by id or name: another choice is another resource (no update in place).
  immutable: ['stageName'],
  service: 'apigateway',
  adopted: true,

  async capturePrior(ctx, spec, deps) {
    const stage = await getStage(ctx, restApiIdOf(deps), spec.stageName);
    if (!stage) throw new Error(`the API has no stage ${spec.stageName} any more`);
    return stage.deploymentId ? { deploymentId: stage.deploymentId } : {};
  },

  async create(ctx, spec, deps) {
    if (!(await getStage(ctx, restApiIdOf(deps), spec.stageName))) throw new Error(`the API has no stage ${spec.stageName} any more`);
    return { stageName: spec.stageName };
  },
  async find(ctx, spec, deps) {
    return (await getStage(ctx, restApiIdOf(deps), spec.stageName)) ? { stageName: spec.stageName } : undefined;
  },
  async read(ctx, spec, out, deps) {
    return (await getStage(ctx, restApiIdOf(deps), out.stageName ?? spec.stageName)) ? { state: 'present', out } : { state: 'missing' };
  },

  async delete(ctx, spec, out, deps, prior) {
    const restApiId = restApiIdOf(deps);
    const stageName = out.stageName ?? spec.stageName;
    const stage = await getStage(ctx, restApiId, stageName);
    if (!stage) return;
    const ours = ourDeploymentDescription(ctx.stack);
    const deployments = await deploymentsOf(ctx, restApiId);
    const serving = deployments.find((d) => d.id === stage.deploymentId);
    const priorId = typeof prior?.deploymentId === 'string' ? prior.deploymentId : undefined;
    if (serving?.description === ours && priorId && deployments.some((d) => d.id === priorId)) {
      await ctx.clients.apigateway.send(new UpdateStageCommand({ restApiId, stageName, patchOperations: [{ op: 'replace', path: '/deploymentId', value: priorId }] }));
    } else {
      // Not idempotent: after a lost answer, the stage says whether it landed.
      await createOnceIn(ctx, `the redeployment of stage ${stageName}`,
        () => ctx.clients.apigateway.send(new CreateDeploymentCommand({ restApiId, stageName, description: spec.description })),
        async () => (await servedDescription(ctx, restApiId, stageName)) === spec.description ? {} : undefined);
    }
    // Ours and unused now: a deployment a stage still serves (another stage of theirs) is kept.
    const used = new Set(((await ctx.clients.apigateway.send(new GetStagesCommand({ restApiId }))).item ?? []).map((s) => s.deploymentId));
    for (const d of deployments) {
      if (d.id && d.description === ours && !used.has(d.id)) await ignoreNotFound(ctx.clients.apigateway.send(new DeleteDeploymentCommand({ restApiId, deploymentId: d.id })));
    }
  },
};

/** A deployment into the user's existing stage, after every change, so it serves them. The stage stays theirs. */
export const stageRedeployHandler: ResourceHandler<SpecByKind['stage-redeploy']> = {
  kind: 'stage-redeploy',
  calls: {
    create: ['apigateway:CreateDeployment', sometimes('apigateway:GetStage', 'the answer was lost: find looks for it'), sometimes('apigateway:GetDeployment', 'the answer was lost')],
    find: ['apigateway:GetStage', sometimes('apigateway:GetDeployment', 'the stage serves a deployment')],
    // The stage policy, judged on what every stage serves; a state made before the policy was recorded gets the checks
    // of a stage of our own (deploymentHandler.read).
    read: [
      'apigateway:GetStages', 'apigateway:GetDeployment', sometimes('apigateway:GetStage', 'a state made before the stage policy was recorded'),
      sometimes('apigateway:GetDeployments', 'such a state\'s stage serves another deployment'), sometimes('apigateway:GetResources', 'such a state\'s API changed after the deployment'),
    ],
    update: [sometimes('apigateway:GetStage', 'a resumed update looks for what the stopped run made'), sometimes('apigateway:GetDeployment', 'a resumed update'), 'apigateway:CreateDeployment'],
    delete: [],
  },
  immutable: ['stageName'],
  service: 'apigateway',
  publishes: true,

  /**
   * Any change under the API (a method secured, one put back, an authorizer swapped) is served only through a new
   * deployment into their stage. Not idempotent: `resumed` (a stopped run had journaled this update) takes the
   * deployment that run made, when the stage serves one newer than the recorded one with our description.
   */
  async update(ctx, want, out, deps, _fields, resumed) {
    const restApiId = restApiIdOf(deps);
    const made = resumed ? await deploymentMadeByStoppedRun(ctx, restApiId, want, out) : undefined;
    if (made) return { deploymentId: made, stageName: want.stageName };
    const res = await ctx.clients.apigateway.send(new CreateDeploymentCommand({ restApiId, stageName: want.stageName, description: want.description }));
    if (!res.id) throw new Error(`CreateDeployment returned no id for stage ${want.stageName}`);
    return { deploymentId: res.id, stageName: want.stageName };
  },

  async create(ctx, spec, deps) {
    // Not idempotent (a second deployment would show as a newer one): after a lost answer, look before sending again.
    return createOnceIn(ctx, `the deployment to stage ${spec.stageName}`, async () => {
      const res = await ctx.clients.apigateway.send(new CreateDeploymentCommand({ restApiId: restApiIdOf(deps), stageName: spec.stageName, description: spec.description }));
      if (!res.id) throw new Error(`CreateDeployment returned no id for stage ${spec.stageName}`);
      return { deploymentId: res.id, stageName: spec.stageName };
    }, () => stageRedeployHandler.find(ctx, spec, deps));
  },

  // Resume: the stage serves a deployment of ours already (the call landed before the run died).
  async find(ctx, spec, deps) {
    const restApiId = restApiIdOf(deps);
    const stage = await getStage(ctx, restApiId, spec.stageName);
    if (!stage?.deploymentId) return undefined;
    return (await servedDescription(ctx, restApiId, spec.stageName)) === spec.description ? { deploymentId: stage.deploymentId, stageName: spec.stageName } : undefined;
  },

  // The policy, judged on what every stage serves (./stage-policy.ts). A state made before the policy was recorded
  // gets the checks of a stage of our own: it still serves our deployment, nothing changed after it.
  read: (ctx, spec, out, deps) => (spec.policy
    ? readStagePolicy(ctx, { ...spec, policy: spec.policy }, out, deps)
    : readRecordedDeployment(ctx, spec, out, deps)),
  unrepairable: POLICY_ONLY_PATHS,

  // The stage is theirs: the existing-stage node puts back what it serves, and removes this deployment.
  async delete() {},
};
