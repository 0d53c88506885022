import { GetStageCommand, type Stage } from '@aws-sdk/client-api-gateway';
import { undefinedIfNotFound } from './refs.js';
import type { Ctx } from './types.js';

/** One stage of a REST API (GetStage); undefined when the API or the stage is not there. */
export function getStage(ctx: Pick<Ctx, 'clients'>, restApiId: string, stageName: string): Promise<Stage | undefined> {
  return undefinedIfNotFound(ctx.clients.apigateway.send(new GetStageCommand({ restApiId, stageName })));
}
