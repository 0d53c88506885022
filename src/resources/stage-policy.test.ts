import { APIGatewayClient, GetDeploymentCommand, GetStagesCommand } from '@aws-sdk/client-api-gateway';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SpecByKind } from '../plan/specs.js';
import { testCtx } from '../../test/support/resource-ctx.js';
import { judgeServed, readStagePolicy } from './stage-policy.js';

const api = mockClient(APIGatewayClient);
const deps = { api: { apiId: 'a1', rootResourceId: 'root1' } };
beforeEach(() => api.reset());

const policy = { secured: ['GET /orders', 'POST /orders'], open: ['DELETE /orders/{id}'] };
const spec: SpecByKind['stage-redeploy'] & { policy: typeof policy } = { stageName: 'prod', description: 'secure-api s: Cognito authorizer attached', policy };
const at = { stage: 'prod', deployment: 'd9', made: '2026-01-01T00:00:00Z', ours: true };
const snap = (authorizationType: string) => ({ authorizationType, apiKeyRequired: false });

describe('judgeServed: every secured method behind the authorizer, nothing open but the allow-list', () => {
  it('the same security served by any deployment is no drift', () => {
    expect(judgeServed(policy, { '/orders': { GET: snap('COGNITO_USER_POOLS'), POST: snap('COGNITO_USER_POOLS'), OPTIONS: snap('NONE') }, '/orders/{id}': { DELETE: snap('NONE') } }, at)).toEqual([]);
  });
  it('a secured method served open or by another authorizer on the stage it deploys', () => {
    expect(judgeServed(policy, { '/orders': { GET: snap('NONE'), POST: snap('CUSTOM') } }, at).map((d) => [d.path, d.context?.method, d.after])).toEqual([
      ['served.authorizationType', 'GET /orders', 'NONE'], ['served.authorizationType', 'POST /orders', 'CUSTOM'],
    ]);
  });
  it('a method served open that is not in the allow-list is named, with its stage and deployment; one behind another authorizer is not open', () => {
    const secured = { '/orders': { GET: snap('COGNITO_USER_POOLS'), POST: snap('COGNITO_USER_POOLS') } };
    const drift = judgeServed(policy, { ...secured, '/orders/{id}/refund': { POST: snap('NONE'), PUT: snap('AWS_IAM') } }, at);
    expect(drift).toEqual([{ path: 'served.openMethod', before: null, after: 'NONE', context: { method: 'POST /orders/{id}/refund', stage: 'prod', deployment: 'd9', made: at.made } }]);
  });
  it('a secured method the stage does not serve is named on the stage it deploys (not on others)', () => {
    const drift = judgeServed(policy, { '/orders': { GET: snap('COGNITO_USER_POOLS') } }, at);
    expect(drift).toEqual([{ path: 'served.authorizationType', before: 'COGNITO_USER_POOLS', after: null, context: { method: 'POST /orders', stage: 'prod', deployment: 'd9', made: at.made } }]);
    expect(judgeServed(policy, { '/orders': { GET: snap('COGNITO_USER_POOLS') } }, { ...at, ours: false })).toEqual([]);
  });
  it('another stage: only a secured method served open counts (its own authorizer secures it; its other open methods are not this stack\'s)', () => {
    const other = { ...at, stage: 'staging', ours: false };
    expect(judgeServed(policy, { '/orders': { GET: snap('NONE'), POST: snap('CUSTOM') }, '/x': { GET: snap('NONE') } }, other).map((d) => [d.path, d.context?.stage, d.context?.method]))
      .toEqual([['otherStage.authorizationType', 'staging', 'GET /orders']]);
  });
});

describe('readStagePolicy', () => {
  it('says when it could not check what a stage serves (a deployment without apiSummary), never skips it', async () => {
    api.on(GetStagesCommand).resolves({ item: [{ stageName: 'prod', deploymentId: 'd1' }] });
    api.on(GetDeploymentCommand).resolves({ id: 'd1' });
    const got = await readStagePolicy(testCtx(), spec, { deploymentId: 'd1', stageName: 'prod' }, deps);
    expect(got).toMatchObject({ state: 'drifted', drift: [{ path: 'served.unchecked', after: 'd1', context: { stage: 'prod' } }] });
  });
  it('judges every stage, each on the deployment it serves; the stage gone is missing', async () => {
    api.on(GetStagesCommand).resolves({ item: [{ stageName: 'staging', deploymentId: 'd0' }, { stageName: 'prod', deploymentId: 'd1' }] });
    api.on(GetDeploymentCommand, { deploymentId: 'd1' }).resolves({ id: 'd1', apiSummary: { '/orders': { GET: snap('COGNITO_USER_POOLS'), POST: snap('COGNITO_USER_POOLS') } } });
    api.on(GetDeploymentCommand, { deploymentId: 'd0' }).resolves({ id: 'd0', apiSummary: { '/orders': { GET: snap('NONE'), POST: snap('NONE') } } });
    const got = await readStagePolicy(testCtx(), spec, { deploymentId: 'd1', stageName: 'prod' }, deps);
    expect(got.state === 'drifted' && got.drift.map((d) => `${d.path} ${d.context?.stage} ${d.context?.method}`)).toEqual([
      'otherStage.authorizationType staging GET /orders', 'otherStage.authorizationType staging POST /orders',
    ]);
    api.on(GetStagesCommand).resolves({ item: [{ stageName: 'staging', deploymentId: 'd0' }] });
    expect(await readStagePolicy(testCtx(), spec, { deploymentId: 'd1', stageName: 'prod' }, deps)).toEqual({ state: 'missing' });
  });
});
