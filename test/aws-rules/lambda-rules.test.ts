/**
 * Lambda's rules, as the strict fake enforces them (test/fakes/lambda.ts names the source), and how secure-api
 * honours them.
 */
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { AddPermissionCommand, CreateFunctionCommand, GetFunctionCommand, GetPolicyCommand, LambdaClient, ListTagsCommand, RemovePermissionCommand } from '@aws-sdk/client-lambda';
import { strToU8, zipSync } from 'fflate';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { startFakeDataPlane, type FakeDataPlane } from '../fakes/data-plane.js';
import { destroyAndExpectNothingLeft, INIT, scenario, STACK, type Scenario } from '../reliability/support/scenario.js';

let fake: AwsFake | undefined;
let s: Scenario | undefined;
let plane: FakeDataPlane | undefined;
afterEach(async () => {
  await plane?.close();
  plane = undefined;
  fake?.restore();
  s?.restore();
  fake = undefined;
  s = undefined;
});
const lambda = () => new LambdaClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'fake' } });

describe('GetFunction returns Tags only to a caller explicitly allowed lambda:ListTags', () => {
  it('the fake answers TagsError without the grant, Tags with it; ListTags always has them', async () => {
    s = scenario();
    expect((await s.run(INIT)).code).toBe(0);
    const name = s.state()?.nodes.function?.out.functionName ?? "";
    const hidden = await lambda().send(new GetFunctionCommand({ FunctionName: name }));
    expect(hidden.Tags).toBeUndefined();
    expect(hidden.TagsError?.ErrorCode).toBe('AccessDeniedException');
    const arn = hidden.Configuration?.FunctionArn;
    expect((await lambda().send(new ListTagsCommand({ Resource: arn })))?.Tags?.['secure-api:stack']).toBe(STACK);
    s.restore();
    fake = installAwsFake({ getFunctionReturnsTags: true });
    fake.load(s.fake.dump());
    expect((await lambda().send(new GetFunctionCommand({ FunctionName: name }))).Tags?.['secure-api:stack']).toBe(STACK);
  });

  it('a run killed while CreateFunction was in flight is resumed and destroyed: adoption reads tags with ListTags', async () => {
    s = scenario();
    // The function is made, then the answer is lost and the run stops (as a crash would leave it).
    // (The fake refuses the first two attempts while the new role propagates: the third one lands.)
    s.fake.inject({ command: 'CreateFunction', error: 'AccessDeniedException', message: 'simulated crash after the call', afterCall: true, nth: 3 });
    expect((await s.run(INIT)).code).toBe(1);
    expect(s.fake.resources().some((r) => r.type === 'function')).toBe(true);
    const created = s.fake.count('CreateFunction');
    const again = await s.run(INIT);
    expect(again.code, again.stderr).toBe(0);
    expect(s.fake.count('CreateFunction'), 'the resumed run adopts it, it makes no second one').toBe(created);
    expect(s.fake.calls.some((c) => c.command === 'ListTags')).toBe(true);
    s.expectExact();
    await destroyAndExpectNothingLeft(s, 'adopted function');
  });
});

describe('API Gateway presents the request\'s path as the SourceArn a Lambda permission must cover (aws/serverless-application-model#110)', () => {
  it('a function of yours gets one statement per method that calls it, its path\'s {param} as *; a statement naming the template matches nothing', async () => {
    s = scenario();
    plane = await startFakeDataPlane(s.fake);
    const role = await new IAMClient({ region: 'us-east-1' }).send(new CreateRoleCommand({
      RoleName: 'orders-role', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
    }));
    const zip = zipSync({ 'index.mjs': strToU8('export const handler = async () => ({ statusCode: 200, body: "orders" });') });
    for (let attempt = 1; ; attempt++) {
      try {
        await lambda().send(new CreateFunctionCommand({ FunctionName: 'orders', Runtime: 'nodejs20.x', Role: role.Role!.Arn, Handler: 'index.handler', Code: { ZipFile: zip } }));
        break;
      } catch (err) {
        if (attempt >= 10) throw err;
      }
    }
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:orders';
    writeFileSync(join(s.cwd, 'stack.json'), JSON.stringify({
      stack: STACK, routes: [{ path: '/items', methods: ['GET'] }, { path: '/orders/{id}', methods: ['GET', 'POST'], public: true, integration: { type: 'lambda', arn } }],
    }));
    const init = await s.run(['init', '--yes', '--no-verify', '--config', 'stack.json', '--domain-prefix', 'demo-login', '--endpoint-url', plane.url]);
    expect(init.code, init.stderr).toBe(0);
    const apiId = s.state()!.nodes.api!.out.apiId!;
    const policy = JSON.parse((await lambda().send(new GetPolicyCommand({ FunctionName: 'orders' }))).Policy ?? '{}') as { Statement: Array<{ Sid: string; Condition: { ArnLike: Record<string, string> } }> };
    const base = `arn:aws:execute-api:us-east-1:123456789012:${apiId}/*`;
    expect(policy.Statement.map((st) => st.Condition.ArnLike['AWS:SourceArn']).sort()).toEqual([`${base}/GET/orders/*`, `${base}/POST/orders/*`]);
    const call = async (method: string) => {
      let r = await fetch(`${plane!.url}/restapis/${apiId}/dev/_user_request_/orders/42`, { method });
      for (let i = 0; i < 5 && r.status === 403; i++) r = await fetch(`${plane!.url}/restapis/${apiId}/dev/_user_request_/orders/42`, { method });
      return r.status;
    };
    expect(await call('GET')).toBe(200);
    expect(await call('POST')).toBe(200);
    // The POST statement replaced by one naming the path template: API Gateway's call no longer matches it (500).
    const post = policy.Statement.find((st) => st.Condition.ArnLike['AWS:SourceArn']!.includes('/POST/'))!;
    await lambda().send(new RemovePermissionCommand({ FunctionName: 'orders', StatementId: post.Sid }));
    await lambda().send(new AddPermissionCommand({ FunctionName: 'orders', StatementId: 'template', Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com', SourceArn: `${base}/POST/orders/{id}` }));
    expect(await call('POST')).toBe(500);
    expect(await call('GET')).toBe(200);
    // status sees the missing statement, and destroy removes exactly the statements it made.
    expect((await s.run(['status', '--stack', STACK, '--endpoint-url', plane.url])).code).toBe(3);
    expect((await s.run(['destroy', '--yes', '--stack', STACK, '--endpoint-url', plane.url])).code).toBe(0);
    const left = JSON.parse((await lambda().send(new GetPolicyCommand({ FunctionName: 'orders' }))).Policy ?? '{}') as { Statement: Array<{ Sid: string }> };
    expect(left.Statement.map((st) => st.Sid)).toEqual(['template']);
  });
});
