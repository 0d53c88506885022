import { CreateDeploymentCommand, DeleteStageCommand, GetStageCommand } from '@aws-sdk/client-api-gateway';
import type { SpecByKind } from '../plan/specs.js';
import { ignoreNotFound, restApiIdOf, undefinedIfNotFound } from './refs.js';
import type { ResourceHandler } from './types.js';

type Spec = SpecByKind['deployment'];

/**
 * Deploy the API into the stage (creating the stage). Method and authorizer changes take effect only
 * through a new deployment, so the plan puts this node after every method.
 */
export const deploymentHandler: ResourceHandler<Spec> = {
  kind: 'deployment',
  service: 'apigateway',

  async create(ctx, spec, deps) {
    const res = await ctx.clients.apigateway.send(new CreateDeploymentCommand({
      restApiId: restApiIdOf(deps),
      stageName: spec.stageName,
      stageDescription: spec.stageDescription,
      description: spec.description,
    }));
    if (!res.id) throw new Error(`CreateDeployment returned no id for stage ${spec.stageName}`);
    return { deploymentId: res.id, stageName: spec.stageName };
  },

  async find(ctx, spec, deps) {
    const stage = await undefinedIfNotFound(ctx.clients.apigateway.send(new GetStageCommand({
      restApiId: restApiIdOf(deps), stageName: spec.stageName,
    })));
    return stage?.deploymentId ? { deploymentId: stage.deploymentId, stageName: spec.stageName } : undefined;
  },

  async read(ctx, spec, out, deps) {
    const stageName = out.stageName ?? spec.stageName;
    const stage = await undefinedIfNotFound(ctx.clients.apigateway.send(new GetStageCommand({ restApiId: restApiIdOf(deps), stageName })));
    if (!stage) return { state: 'missing' };
    return stage.deploymentId === out.deploymentId
      ? { state: 'present', out }
      : { state: 'drifted', drift: [`stage ${stageName} now points at deployment ${stage.deploymentId ?? 'none'}, not ${out.deploymentId ?? '?'}`], out };
  },

  // The deployment itself goes with the API; the stage is what serves traffic.
  async delete(ctx, spec, out, deps) {
    await ignoreNotFound(ctx.clients.apigateway.send(new DeleteStageCommand({
      restApiId: restApiIdOf(deps), stageName: out.stageName ?? spec.stageName,
    })));
  },
};
