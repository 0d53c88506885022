import {
  AddPermissionCommand, GetPolicyCommand, LambdaClient, RemovePermissionCommand, ResourceConflictException, ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SpecByKind } from '../plan/specs.js';
import { lambdaPermissionHandler as h } from './lambda-permission.js';
import { testCtx } from '../../test/support/resource-ctx.js';

const lambda = mockClient(LambdaClient);
const spec: SpecByKind['lambda-permission'] = { statementId: 'secure-api-demo-invoke', function: { node: 'function' } };
const deps = { api: { apiId: 'a1b2c3', rootResourceId: 'r0' }, function: { functionName: 'demo-fn', functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:demo-fn' } };
const SOURCE = 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/*/*/*';
const out = { functionName: 'demo-fn', statementId: 'secure-api-demo-invoke' };
const policy = (sid: string, source: string) => ({
  Policy: JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: sid, Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'lambda:InvokeFunction', Condition: { ArnLike: { 'AWS:SourceArn': source } } }],
  }),
});

beforeEach(() => lambda.reset());

describe('lambda-permission', () => {
  it('lets API Gateway invoke the function from this API only', async () => {
    lambda.on(AddPermissionCommand).resolves({});
    expect(await h.create(testCtx(), spec, deps)).toEqual(out);
    expect(lambda).toHaveReceivedCommandWith(AddPermissionCommand, {
      FunctionName: 'demo-fn', StatementId: 'secure-api-demo-invoke', Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com', SourceArn: SOURCE,
    });
  });

  it('uses an existing function ARN as FunctionName', async () => {
    lambda.on(AddPermissionCommand).resolves({});
    const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:theirs';
    expect(await h.create(testCtx(), { ...spec, function: { arn } }, deps)).toEqual({ functionName: arn, statementId: spec.statementId });
  });

  it('adopts a statement that already exists', async () => {
    lambda.on(AddPermissionCommand).rejects(new ResourceConflictException({
      message: 'The statement id (secure-api-demo-invoke) provided already exists. Please provide a new statement id, or remove the existing statement.', $metadata: {},
    }));
    expect(await h.create(testCtx(), spec, deps)).toEqual(out);
  });

  it('find looks for the statement id in the function policy', async () => {
    lambda.on(GetPolicyCommand).resolves(policy('secure-api-demo-invoke', SOURCE));
    expect(await h.find(testCtx(), spec, deps)).toEqual(out);
    lambda.on(GetPolicyCommand).resolves(policy('someone-else', SOURCE));
    expect(await h.find(testCtx(), spec, deps)).toBeUndefined();
    lambda.on(GetPolicyCommand).rejects(new ResourceNotFoundException({ message: 'The resource you requested does not exist.', $metadata: {} }));
    expect(await h.find(testCtx(), spec, deps)).toBeUndefined();
  });

  it('read: present, drifted when the SourceArn changed, missing when the statement is gone', async () => {
    lambda.on(GetPolicyCommand).resolves(policy(out.statementId, SOURCE));
    expect(await h.read(testCtx(), spec, out, deps)).toEqual({ state: 'present', out });
    lambda.on(GetPolicyCommand).resolves(policy(out.statementId, 'arn:aws:execute-api:eu-west-1:123456789012:*'));
    expect(await h.read(testCtx(), spec, out, deps)).toEqual({
      state: 'drifted', drift: [{ path: 'permission.sourceArn', before: SOURCE, after: 'arn:aws:execute-api:eu-west-1:123456789012:*' }], out,
    });
    lambda.on(GetPolicyCommand).resolves(policy('other', SOURCE));
    expect(await h.read(testCtx(), spec, out, deps)).toEqual({ state: 'missing' });
  });

  it('delete treats a missing statement or function as done', async () => {
    lambda.on(RemovePermissionCommand).rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));
    await expect(h.delete(testCtx(), spec, out, deps)).resolves.toBeUndefined();
    expect(lambda).toHaveReceivedCommandWith(RemovePermissionCommand, { FunctionName: 'demo-fn', StatementId: out.statementId });
  });
});
