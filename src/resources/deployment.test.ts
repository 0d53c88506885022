import { APIGatewayClient, CreateDeploymentCommand, DeleteStageCommand, GetStageCommand, NotFoundException } from '@aws-sdk/client-api-gateway';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SpecByKind } from '../plan/specs.js';
import { deploymentHandler } from './deployment.js';
import { testCtx } from '../../test/support/resource-ctx.js';

const api = mockClient(APIGatewayClient);
const deps = { api: { apiId: 'a1', rootResourceId: 'root1' } };

beforeEach(() => api.reset());

describe('deployment', () => {
  const dspec: SpecByKind['deployment'] = { stageName: 'prod', stageDescription: 'stage', description: 'secure-api demo' };

  it('deploys into the stage', async () => {
    api.on(CreateDeploymentCommand).resolves({ id: 'dep1' });
    expect(await deploymentHandler.create(testCtx(), dspec, deps)).toEqual({ deploymentId: 'dep1', stageName: 'prod' });
    expect(api).toHaveReceivedCommandWith(CreateDeploymentCommand, { restApiId: 'a1', stageName: 'prod', stageDescription: 'stage', description: 'secure-api demo' });
  });

  it('find adopts the stage’s deployment; read reports a stage moved to another deployment', async () => {
    api.on(GetStageCommand).resolves({ deploymentId: 'dep2' });
    expect(await deploymentHandler.find(testCtx(), dspec, deps)).toEqual({ deploymentId: 'dep2', stageName: 'prod' });
    expect(await deploymentHandler.read(testCtx(), dspec, { deploymentId: 'dep1', stageName: 'prod' }, deps))
      .toMatchObject({ state: 'drifted', drift: [{ path: 'stage.deploymentId', before: 'dep1', after: 'dep2', context: { stage: 'prod' } }] });
    api.on(GetStageCommand).rejects(new NotFoundException({ message: 'Invalid stage identifier specified', $metadata: {} }));
    expect(await deploymentHandler.find(testCtx(), dspec, deps)).toBeUndefined();
  });

  it('delete removes the stage; a stage already gone is done', async () => {
    api.on(DeleteStageCommand).rejects(new NotFoundException({ message: 'Invalid stage identifier specified', $metadata: {} }));
    await expect(deploymentHandler.delete(testCtx(), dspec, { deploymentId: 'dep1', stageName: 'prod' }, deps)).resolves.toBeUndefined();
    expect(api).toHaveReceivedCommandWith(DeleteStageCommand, { restApiId: 'a1', stageName: 'prod' });
  });
});
