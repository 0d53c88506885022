import {
  CreateFunctionCommand, DeleteFunctionCommand, GetFunctionCommand, GetFunctionConfigurationCommand, InvalidParameterValueException,
  LambdaClient, ListTagsCommand, ResourceConflictException, ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { AwsFailure } from '../errors.js';
import type { SpecByKind } from '../plan/specs.js';
import { isRoleNotYetAssumable, lambdaFunctionHandler as h } from './lambda-function.js';
import { TEST_STATE_ID, testCtx } from '../../test/support/resource-ctx.js';

const lambda = mockClient(LambdaClient);
const spec: SpecByKind['lambda-function'] = {
  functionName: 'demo-fn', runtime: 'nodejs20.x', memoryMb: 128, timeoutSeconds: 10, handler: 'index.handler',
  description: 'sample', roleNode: 'role', corsOrigin: '*',
};
const ROLE = 'arn:aws:iam::123456789012:role/secure-api/demo-fn-role';
const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:demo-fn';
const deps = { role: { roleName: 'demo-fn-role', roleArn: ROLE } };
const notAssumable = () => new InvalidParameterValueException({
  message: 'The role defined for the function cannot be assumed by Lambda.', $metadata: {},
});

beforeEach(() => lambda.reset());

describe('lambda-function create', () => {
  it('sends the zip, role, runtime, tags and CORS_ORIGIN, and returns name and ARN', async () => {
    lambda.on(CreateFunctionCommand).resolves({ FunctionName: 'demo-fn', FunctionArn: ARN, State: 'Active' });
    expect(await h.create(testCtx(), { ...spec, tags: { team: 'api' } }, deps)).toEqual({ functionName: 'demo-fn', functionArn: ARN });
    expect(lambda).toHaveReceivedCommandWith(CreateFunctionCommand, {
      FunctionName: 'demo-fn', Role: ROLE, Runtime: 'nodejs20.x', Handler: 'index.handler', MemorySize: 128, Timeout: 10,
      Environment: { Variables: { CORS_ORIGIN: '*' } }, Tags: { 'secure-api:stack': 'demo', 'secure-api:state-id': TEST_STATE_ID, team: 'api' },
    });
    const zip = lambda.commandCalls(CreateFunctionCommand)[0]?.args[0].input.Code?.ZipFile;
    expect(zip?.slice(0, 2)).toEqual(new Uint8Array([0x50, 0x4b])); // "PK"
    expect(lambda).not.toHaveReceivedCommand(GetFunctionConfigurationCommand);
  });

  it('retries while the new role cannot be assumed, noting it once, with growing backoff', async () => {
    lambda.on(CreateFunctionCommand)
      .rejectsOnce(notAssumable()).rejectsOnce(notAssumable()).rejectsOnce(notAssumable())
      .resolves({ FunctionName: 'demo-fn', FunctionArn: ARN, State: 'Active' });
    const ctx = testCtx();
    expect(await h.create(ctx, spec, deps)).toEqual({ functionName: 'demo-fn', functionArn: ARN });
    expect(lambda).toHaveReceivedCommandTimes(CreateFunctionCommand, 4);
    expect(ctx.notes).toEqual(['waiting for the new IAM role to propagate…']);
    expect(ctx.slept).toHaveLength(3);
    expect(ctx.slept[2]).toBeGreaterThan(ctx.slept[0] ?? Infinity);
    expect(Math.max(...ctx.slept)).toBeLessThanOrEqual(2_000);
  });

  it('gives up after about 90 s of "cannot be assumed"', async () => {
    lambda.on(CreateFunctionCommand).rejects(notAssumable());
    const ctx = testCtx();
    await expect(h.create(ctx, spec, deps)).rejects.toThrow(/cannot be assumed/);
    const waited = ctx.slept.reduce((a, b) => a + b, 0);
    expect(waited).toBeGreaterThan(80_000);
    expect(waited).toBeLessThanOrEqual(90_000);
  });

  it('does not retry other invalid parameters', async () => {
    lambda.on(CreateFunctionCommand).rejects(new InvalidParameterValueException({ message: 'Unsupported runtime', $metadata: {} }));
    await expect(h.create(testCtx(), spec, deps)).rejects.toThrow(/Unsupported runtime/);
    expect(lambda).toHaveReceivedCommandTimes(CreateFunctionCommand, 1);
  });

  it('waits from Pending to Active', async () => {
    lambda.on(CreateFunctionCommand).resolves({ FunctionName: 'demo-fn', FunctionArn: ARN, State: 'Pending' });
    lambda.on(GetFunctionConfigurationCommand)
      .resolvesOnce({ FunctionArn: ARN, State: 'Pending' })
      .resolves({ FunctionName: 'demo-fn', FunctionArn: ARN, State: 'Active' });
    const ctx = testCtx();
    await h.create(ctx, spec, deps);
    expect(lambda).toHaveReceivedCommandTimes(GetFunctionConfigurationCommand, 2);
    expect(ctx.slept).toEqual([250, 500]);
  });

  it('fails with the StateReason when the function ends Failed', async () => {
    lambda.on(CreateFunctionCommand).resolves({ FunctionName: 'demo-fn', FunctionArn: ARN, State: 'Pending' });
    lambda.on(GetFunctionConfigurationCommand).resolves({ FunctionArn: ARN, State: 'Failed', StateReason: 'KMS key is disabled' });
    const err: unknown = await h.create(testCtx(), spec, deps).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsFailure);
    expect((err as AwsFailure).message).toMatch(/KMS key is disabled/);
  });

  it('adopts our function when a retried create finds it already there', async () => {
    lambda.on(CreateFunctionCommand).rejects(new ResourceConflictException({ message: 'Function already exist: demo-fn', $metadata: {} }));
    lambda.on(GetFunctionConfigurationCommand).resolves({ FunctionName: 'demo-fn', FunctionArn: ARN, State: 'Active' });
    lambda.on(ListTagsCommand, { Resource: ARN }).resolves({ Tags: { 'secure-api:stack': 'demo', 'secure-api:state-id': TEST_STATE_ID } });
    expect(await h.create(testCtx(), spec, deps)).toEqual({ functionName: 'demo-fn', functionArn: ARN });
  });
});

describe('lambda-function find / read / delete', () => {
  it('find adopts only a function tagged with our stack, reading the tags with ListTags (GetFunction may hide them)', async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({ FunctionArn: ARN, State: 'Active' });
    lambda.on(ListTagsCommand).resolves({ Tags: { 'secure-api:stack': 'other' } });
    expect(await h.find(testCtx(), spec, deps)).toBeUndefined();
    lambda.on(ListTagsCommand, { Resource: ARN }).resolves({ Tags: { 'secure-api:stack': 'demo', 'secure-api:state-id': TEST_STATE_ID } });
    expect(await h.find(testCtx(), spec, deps)).toEqual({ functionName: 'demo-fn', functionArn: ARN });
    expect(lambda).not.toHaveReceivedCommand(GetFunctionCommand);
    lambda.on(GetFunctionConfigurationCommand).rejects(new ResourceNotFoundException({ message: 'Function not found', $metadata: {} }));
    expect(await h.find(testCtx(), spec, deps)).toBeUndefined();
  });

  it('find still adopts a Failed function (so destroy can remove it) and says so', async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({ FunctionArn: ARN, State: 'Failed', StateReason: 'boom' });
    lambda.on(ListTagsCommand).resolves({ Tags: { 'secure-api:stack': 'demo', 'secure-api:state-id': TEST_STATE_ID } });
    const ctx = testCtx();
    expect(await h.find(ctx, spec, deps)).toEqual({ functionName: 'demo-fn', functionArn: ARN });
    expect(ctx.notes).toEqual(['Lambda function demo-fn is Failed: boom']);
  });

  it('read reports a missing function and a changed role', async () => {
    const out = { functionName: 'demo-fn', functionArn: ARN };
    const live = {
      FunctionArn: ARN, State: 'Active' as const, Role: deps.role.roleArn, Runtime: 'nodejs20.x' as const, MemorySize: spec.memoryMb, Timeout: spec.timeoutSeconds,
      Handler: spec.handler, Description: spec.description, Environment: { Variables: { CORS_ORIGIN: spec.corsOrigin } },
    };
    lambda.on(GetFunctionCommand).resolves({ Configuration: live });
    expect(await h.read(testCtx(), spec, out, deps)).toEqual({ state: 'present', out });
    lambda.on(GetFunctionCommand).resolves({ Configuration: { ...live, Role: 'arn:aws:iam::123456789012:role/other' } });
    expect(await h.read(testCtx(), spec, out, deps)).toMatchObject({ state: 'drifted', drift: [{ path: 'role', after: 'arn:aws:iam::123456789012:role/other' }] });
    // Every setting UpdateFunctionConfiguration puts back is compared.
    lambda.on(GetFunctionCommand).resolves({ Configuration: { ...live, MemorySize: 1024, Timeout: 29, Runtime: 'nodejs22.x', Handler: 'evil.handler', Environment: {} } });
    const drifted = await h.read(testCtx(), spec, out, deps);
    expect(drifted.state === 'drifted' && drifted.drift.map((d) => d.path)).toEqual(['corsOrigin', 'handler', 'memoryMb', 'runtime', 'timeoutSeconds']);
    lambda.on(GetFunctionCommand).rejects(new ResourceNotFoundException({ message: 'nope', $metadata: {} }));
    expect(await h.read(testCtx(), spec, out, deps)).toEqual({ state: 'missing' });
  });

  it('delete treats ResourceNotFound as done', async () => {
    lambda.on(DeleteFunctionCommand).rejects(new ResourceNotFoundException({ message: 'nope', $metadata: {} }));
    await expect(h.delete(testCtx(), spec, { functionName: 'demo-fn' }, deps)).resolves.toBeUndefined();
  });

  it('recognises only the propagation error as retryable', () => {
    expect(isRoleNotYetAssumable(notAssumable())).toBe(true);
    expect(isRoleNotYetAssumable(new InvalidParameterValueException({ message: 'Other', $metadata: {} }))).toBe(false);
  });
});
