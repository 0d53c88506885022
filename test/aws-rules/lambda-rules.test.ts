/**
 * Lambda's rules, as the strict fake enforces them (test/fakes/lambda.ts names the source), and how secure-api
 * honours them.
 */
import { GetFunctionCommand, LambdaClient, ListTagsCommand } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { destroyAndExpectNothingLeft, INIT, scenario, STACK, type Scenario } from '../reliability/support/scenario.js';

let fake: AwsFake | undefined;
let s: Scenario | undefined;
afterEach(() => {
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
