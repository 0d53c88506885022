import { GetFunctionCommand, GetFunctionConfigurationCommand, LambdaClient, ListTagsCommand, UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SpecByKind } from '../plan/specs.js';
import { testCtx } from '../../test/support/resource-ctx.js';
import { lambdaFunctionHandler as h } from './lambda-function.js';
import { SAMPLE_CODE_SHA256 } from './lambda-function-settings.js';

const lambda = mockClient(LambdaClient);
const ROLE = 'arn:aws:iam::123456789012:role/secure-api/demo-fn-role';
const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:demo-fn';
const deps = { role: { roleName: 'demo-fn-role', roleArn: ROLE } };
const plain: SpecByKind['lambda-function'] = {
  functionName: 'demo-fn', runtime: 'nodejs20.x', memoryMb: 128, timeoutSeconds: 10, handler: 'index.handler', description: 'sample', roleNode: 'role', corsOrigin: '*',
};
const grouped = { ...plain, routeGroups: { 'GET /admin': ['ops', 'admins'] } };
const GROUPS_TEXT = '{"GET /admin":["admins","ops"]}';
const live = (o: { code: string; groups?: string }) => ({
  FunctionName: 'demo-fn', FunctionArn: ARN, Runtime: 'nodejs20.x' as const, Role: ROLE, Handler: 'index.handler', Description: 'sample', MemorySize: 128, Timeout: 10,
  State: 'Active' as const, LastUpdateStatus: 'Successful' as const, CodeSha256: o.code,
  Environment: { Variables: { CORS_ORIGIN: '*', ...(o.groups !== undefined ? { SECURE_API_ROUTE_GROUPS: o.groups } : {}) } },
});

beforeEach(() => {
  lambda.reset();
  lambda.on(ListTagsCommand).resolves({ Tags: {} });
});

describe('lambda-function: the routes it restricts to groups (the enforcer must be there)', () => {
  it('without route groups, another version of the code is not drift (older stacks run older samples)', async () => {
    lambda.on(GetFunctionCommand).resolves({ Configuration: live({ code: 'older-sample' }) });
    expect(await h.read(testCtx(), plain, { functionName: 'demo-fn', functionArn: ARN }, deps)).toMatchObject({ state: 'present' });
  });

  it('with route groups, groups missing or changed and code other than this sample are drift', async () => {
    lambda.on(GetFunctionCommand).resolves({ Configuration: live({ code: 'older-sample' }) });
    const r = await h.read(testCtx(), grouped, { functionName: 'demo-fn', functionArn: ARN }, deps);
    expect(r.state === 'drifted' && r.drift).toEqual([
      { path: 'code', before: SAMPLE_CODE_SHA256, after: 'older-sample' },
      { path: 'routeGroups', before: GROUPS_TEXT, after: null },
    ]);
    lambda.on(GetFunctionCommand).resolves({ Configuration: live({ code: SAMPLE_CODE_SHA256, groups: '{"GET /admin":["admins","ops","everyone"]}' }) });
    const r2 = await h.read(testCtx(), grouped, { functionName: 'demo-fn', functionArn: ARN }, deps);
    expect(r2.state === 'drifted' && r2.drift.map((d) => d.path)).toEqual(['routeGroups']);
    // The same groups in another order are the same.
    lambda.on(GetFunctionCommand).resolves({ Configuration: live({ code: SAMPLE_CODE_SHA256, groups: '{"GET /admin":["ops","admins"]}' }) });
    expect((await h.read(testCtx(), grouped, { functionName: 'demo-fn', functionArn: ARN }, deps)).state).toBe('present');
  });

  it('the update puts this sample\'s code first (UpdateFunctionCode), then the groups in the environment', async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves(live({ code: 'older-sample' }));
    lambda.on(UpdateFunctionCodeCommand).resolves({ ...live({ code: SAMPLE_CODE_SHA256 }), LastUpdateStatus: 'Successful' });
    lambda.on(UpdateFunctionConfigurationCommand).resolves(live({ code: SAMPLE_CODE_SHA256, groups: GROUPS_TEXT }));
    await h.update!(testCtx(), grouped, { functionName: 'demo-fn', functionArn: ARN }, deps, [{ path: 'routeGroups', before: null, after: GROUPS_TEXT, forcesReplace: false }]);
    expect(lambda).toHaveReceivedCommandTimes(UpdateFunctionCodeCommand, 1);
    expect(lambda.commandCalls(UpdateFunctionCodeCommand)[0]?.args[0].input.ZipFile?.slice(0, 2)).toEqual(new Uint8Array([0x50, 0x4b]));
    expect(lambda).toHaveReceivedCommandWith(UpdateFunctionConfigurationCommand, { Environment: { Variables: { CORS_ORIGIN: '*', SECURE_API_ROUTE_GROUPS: GROUPS_TEXT } } });
    const order = lambda.calls().map((c) => c.args[0].constructor.name).filter((n) => n.startsWith('Update'));
    expect(order).toEqual(['UpdateFunctionCodeCommand', 'UpdateFunctionConfigurationCommand']);
  });

  it('code already this sample\'s: no UpdateFunctionCode; no groups: the variable goes and the code is left alone', async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves(live({ code: SAMPLE_CODE_SHA256 }));
    lambda.on(UpdateFunctionConfigurationCommand).resolves(live({ code: SAMPLE_CODE_SHA256, groups: GROUPS_TEXT }));
    await h.update!(testCtx(), grouped, { functionName: 'demo-fn', functionArn: ARN }, deps, [{ path: 'routeGroups', before: null, after: GROUPS_TEXT, forcesReplace: false }]);
    expect(lambda).not.toHaveReceivedCommand(UpdateFunctionCodeCommand);
    lambda.reset();
    lambda.on(ListTagsCommand).resolves({ Tags: {} });
    lambda.on(GetFunctionConfigurationCommand).resolves(live({ code: 'older-sample', groups: GROUPS_TEXT }));
    lambda.on(UpdateFunctionConfigurationCommand).resolves(live({ code: 'older-sample' }));
    await h.update!(testCtx(), plain, { functionName: 'demo-fn', functionArn: ARN }, deps, [{ path: 'routeGroups', before: GROUPS_TEXT, after: null, forcesReplace: false }]);
    expect(lambda).not.toHaveReceivedCommand(UpdateFunctionCodeCommand);
    expect(lambda).toHaveReceivedCommandWith(UpdateFunctionConfigurationCommand, { Environment: { Variables: { CORS_ORIGIN: '*' } } });
  });
});
