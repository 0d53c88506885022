/**
 * An account is shared: a run never adopts, changes or deletes what its own state did not make. Every resource is
 * tagged secure-api:stack and secure-api:state-id; `find`, resume, destroy and destroy --orphans go by both. Two
 * people (two state directories) share one fake account here, as they would share one AWS account.
 */
import { CreateRoleCommand, IAMClient, ListRoleTagsCommand } from '@aws-sdk/client-iam';
import { LambdaClient, ListTagsCommand } from '@aws-sdk/client-lambda';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readState } from '../../src/state/store.js';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { runSecureApi, tempDir, VirtualClock, type RunResult } from '../support/harness.js';
import { ScriptedPrompter } from '../wizard/scripted-prompter.js';

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const INIT = ['init', '--yes', '--no-verify'];

let fake: AwsFake | undefined;
afterEach(() => fake?.restore());

/** One person: their own working directory (so their own .secure-api state), the shared fake and clock. */
function person(clock: VirtualClock) {
  const cwd = tempDir('secure-api-owner-');
  const statePath = (stack = 'secure-api') => join(cwd, '.secure-api', `${stack}.json`);
  return {
    cwd,
    statePath,
    run: (argv: string[]): Promise<RunResult> => runSecureApi(argv, { cwd, clock }),
    /** The state file is lost (and its .bak): returns what it held. */
    loseState: () => {
      const lost = readState(statePath())!;
      rmSync(statePath());
      rmSync(`${statePath()}.bak`, { force: true });
      return lost;
    },
  };
}

const creates = (f: AwsFake, from: number) => f.calls.slice(from).map((c) => c.command).filter((c) => /^(Create|Put|Add|Attach|Tag)/.test(c));

describe('two stacks of the same name in one account', () => {
  it('the second person\'s init is refused up front (exit 2, no create) naming the first state id; its destroy --orphans leaves the first stack intact', async () => {
    const clock = new VirtualClock();
    fake = installAwsFake({ clock, deleteRestApiWindowMs: 0 });
    const alice = person(clock);
    const bob = person(clock);
    const a = await alice.run(INIT);
    expect(a.code, a.stderr).toBe(0);
    const aliceState = readState(alice.statePath())!;
    const before = fake.resources();

    const from = fake.calls.length;
    const b = await bob.run(INIT);
    expect(b.code, b.stderr).toBe(2);
    expect(b.stderr).toContain(`secure-api:state-id=${aliceState.stateId}`);
    expect(b.stderr).toMatch(/choose another --stack/);
    expect(b.stderr).toContain('secure-api init --stack secure-api --adopt');
    expect(creates(fake, from)).toEqual([]);
    expect(readState(bob.statePath())).toBeUndefined();

    // Bob follows the removal hint without the state id: nothing of Alice's goes.
    const d = await bob.run(['destroy', '--stack', 'secure-api', '--orphans', '--yes']);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stderr).toMatch(new RegExp(`Left alone: 6 resources of another state \\(${aliceState.stateId}\\)`));
    expect(fake.resources()).toEqual(before);
    // Bob's plain destroy has no state to go by: nothing to do, nothing touched.
    expect((await bob.run(['destroy', '--stack', 'secure-api', '--yes'])).code).toBe(0);
    expect(fake.resources()).toEqual(before);
    const st = await alice.run(['status']);
    expect(st.code, st.stdout + st.stderr).toBe(0);
  });

  it('with another stack name each gets distinct default role and function names, and neither destroy touches the other', async () => {
    const clock = new VirtualClock();
    fake = installAwsFake({ clock, deleteRestApiWindowMs: 0 });
    const alice = person(clock);
    const bob = person(clock);
    expect((await alice.run(INIT)).code).toBe(0);
    const b = await bob.run([...INIT, '--stack', 'secure-api2']);
    expect(b.code, b.stderr).toBe(0);
    const sa = readState(alice.statePath())!;
    const sb = readState(bob.statePath('secure-api2'))!;
    expect(sa.nodes.role?.out.roleName).toMatch(/^secure-api-fn-role-[a-z0-9]{6}$/);
    expect(sa.nodes.function?.out.functionName).not.toEqual(sb.nodes.function?.out.functionName);
    expect((await bob.run(['destroy', '--stack', 'secure-api2', '--yes'])).code).toBe(0);
    expect((await alice.run(['status'])).code).toBe(0);
    expect((await alice.run(['destroy', '--yes'])).code).toBe(0);
    expect(fake.resources()).toEqual([]);
  });
});

describe('a name that something else holds is refused before any create', () => {
  it('function.roleName naming someone else\'s role: exit 2 naming its owner and the key to change, nothing created', async () => {
    const clock = new VirtualClock();
    fake = installAwsFake({ clock });
    await new IAMClient({ region: 'us-east-1' }).send(new CreateRoleCommand({
      RoleName: 'shared-role', Path: '/secure-api/', AssumeRolePolicyDocument: TRUST,
      Tags: [{ Key: 'secure-api:stack', Value: 'prod' }, { Key: 'secure-api:state-id', Value: 'prod-state' }],
    }));
    const me = person(clock);
    writeFileSync(join(me.cwd, 'stack.json'), JSON.stringify({ stack: 'mine', function: { roleName: 'shared-role' } }));
    const before = fake.resources();
    const from = fake.calls.length;
    const r = await me.run([...INIT, '--config', 'stack.json']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/IAM role shared-role is taken: secure-api:stack=prod, secure-api:state-id=prod-state/);
    expect(r.stderr).toMatch(/function\.roleName/);
    expect(creates(fake, from)).toEqual([]);
    expect(fake.resources()).toEqual(before);
    expect(readState(me.statePath('mine'))).toBeUndefined();
  });

  it('a role of that name outside /secure-api/ (not made by secure-api) is refused too', async () => {
    const clock = new VirtualClock();
    fake = installAwsFake({ clock });
    await new IAMClient({ region: 'us-east-1' }).send(new CreateRoleCommand({ RoleName: 'team-role', AssumeRolePolicyDocument: TRUST }));
    const me = person(clock);
    writeFileSync(join(me.cwd, 'stack.json'), JSON.stringify({ stack: 'mine', function: { roleName: 'team-role' } }));
    const r = await me.run([...INIT, '--config', 'stack.json']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/team-role is taken: a role under path \/, not made by secure-api/);
  });
});

describe('the state file is lost', () => {
  it('init finds the tagged stack and stops (exit 2, both commands); --adopt makes a state from which status is clean and destroy leaves nothing', async () => {
    const clock = new VirtualClock();
    fake = installAwsFake({ clock, deleteRestApiWindowMs: 0 });
    const me = person(clock);
    expect((await me.run(INIT)).code).toBe(0);
    const lost = me.loseState();

    const hint = await me.run(['status']);
    expect(hint.code).toBe(2);
    expect(hint.stderr).toMatch(/status --orphans/);

    const before = fake.resources();
    const from = fake.calls.length;
    const stop = await me.run(INIT);
    expect(stop.code, stop.stderr).toBe(2);
    expect(stop.stderr).toContain('secure-api init --stack secure-api --adopt');
    expect(stop.stderr).toContain(`secure-api destroy --stack secure-api --orphans --state-id ${lost.stateId} --yes`);
    expect(creates(fake, from)).toEqual([]);

    const adopt = await me.run([...INIT, '--adopt']);
    expect(adopt.code, adopt.stderr).toBe(0);
    const state = readState(me.statePath())!;
    expect(state.stateId).toBe(lost.stateId);
    // Nothing new: the same API, pool, function and role, now recorded again.
    expect(fake.resources().map((r) => `${r.type} ${r.id}`).sort()).toEqual(before.map((r) => `${r.type} ${r.id}`).sort());
    expect(state.nodes.api?.out.apiId).toBe(lost.nodes.api?.out.apiId);
    expect(state.nodes.pool?.out.userPoolId).toBe(lost.nodes.pool?.out.userPoolId);
    const st = await me.run(['status']);
    expect(st.code, st.stdout + st.stderr).toBe(0);
    expect((await me.run(['destroy', '--yes'])).code).toBe(0);
    expect(fake.resources()).toEqual([]);
  });

  it('in the wizard it is a question: "stop" creates nothing (exit 2), "adopt" takes the stack back, keeping its hosted UI domain', async () => {
    const clock = new VirtualClock();
    fake = installAwsFake({ clock, deleteRestApiWindowMs: 0 });
    const me = person(clock);
    expect((await me.run(INIT)).code).toBe(0);
    const lost = me.loseState();
    const before = fake.resources().map((r) => `${r.type} ${r.id}`).sort();
    const question = /No state file for stack secure-api, but 6 resources in AWS carry its tag/;

    const stop = new ScriptedPrompter([[question, { pick: 'Stop: I will remove them (destroy --orphans) or choose another stack name' }]]);
    const r1 = await runSecureApi(['init', '--no-verify'], { cwd: me.cwd, clock, tty: true, prompter: stop });
    expect(r1.code, r1.stderr).toBe(2);
    expect(stop.unused).toEqual([]);
    expect(fake.resources().map((r) => `${r.type} ${r.id}`).sort()).toEqual(before);

    const adopt = new ScriptedPrompter([[question, { pick: 'Adopt them into a new state file (they are mine)' }]]);
    const r2 = await runSecureApi(['init', '--no-verify'], { cwd: me.cwd, clock, tty: true, prompter: adopt });
    expect(r2.code, r2.stderr).toBe(0);
    expect(adopt.unused).toEqual([]);
    const state = readState(me.statePath())!;
    expect(state.stateId).toBe(lost.stateId);
    expect(state.nodes.domain?.out.domain).toBe(lost.nodes.domain?.out.domain);
    expect(fake.resources().map((r) => `${r.type} ${r.id}`).sort()).toEqual(before);
    expect((await me.run(['status'])).code).toBe(0);
  });

  it('--adopt refuses resources of two different states (two stacks of one name): nothing created', async () => {
    const clock = new VirtualClock();
    fake = installAwsFake({ clock, deleteRestApiWindowMs: 0 });
    const alice = person(clock);
    const bob = person(clock);
    expect((await alice.run(INIT)).code).toBe(0);
    expect((await bob.run([...INIT, '--stack', 'other'])).code).toBe(0);
    // Bob renames nothing, but a role tagged for Alice's stack name by another state appears (someone's copy).
    await new IAMClient({ region: 'us-east-1' }).send(new CreateRoleCommand({
      RoleName: 'copy-role', Path: '/secure-api/', AssumeRolePolicyDocument: TRUST,
      Tags: [{ Key: 'secure-api:stack', Value: 'secure-api' }, { Key: 'secure-api:state-id', Value: 'third-state' }],
    }));
    alice.loseState();
    const from = fake.calls.length;
    const r = await alice.run([...INIT, '--adopt']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/belong to 2 different states/);
    expect(creates(fake, from)).toEqual([]);
  });
});

describe('a crash while CreateFunction was in flight', () => {
  it('the re-run adopts the function only when it carries both tags; a same-named one of another state is refused, never adopted', async () => {
    const clock = new VirtualClock();
    // The role is assumable at once, so the one CreateFunction that lands is the one whose answer is lost.
    fake = installAwsFake({ clock, deleteRestApiWindowMs: 0, lambdaAssumeFailures: 0 });
    const me = person(clock);
    // The answer to CreateFunction is lost after Lambda acted: the node stays journaled `creating`, the function exists.
    const handle = fake.inject({ command: 'CreateFunction', afterCall: true, error: 'AccessDeniedException', times: 1 });
    const first = await me.run(INIT);
    handle.remove();
    expect(first.code).not.toBe(0);
    const crashed = readState(me.statePath())!;
    const fnName = (crashed.nodes.function?.spec as { functionName?: string } | undefined)?.functionName ?? '';
    expect(fnName).toMatch(/^secure-api-fn-[a-z0-9]{6}$/);
    expect(fake.state.lambda.functions[fnName]).toBeDefined();

    // Someone retags it as theirs (another state of the same stack name): the re-run must not take it.
    const fn = fake.state.lambda.functions[fnName]!;
    const ours = fn.tags['secure-api:state-id'];
    expect(ours).toBe(crashed.stateId);
    fn.tags['secure-api:state-id'] = 'another-state';
    const refused = await me.run(INIT);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`Lambda function ${fnName} is taken: secure-api:stack=secure-api, secure-api:state-id=another-state`));

    fn.tags['secure-api:state-id'] = ours!;
    const resumed = await me.run(INIT);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readState(me.statePath())?.nodes.function?.out.functionName).toBe(fnName);
    expect(Object.keys(fake.state.lambda.functions)).toEqual([fnName]);
    expect((await me.run(['destroy', '--yes'])).code).toBe(0);
    expect(fake.resources()).toEqual([]);
  });
});

describe('the fake holds tags where each AWS service answers them', () => {
  it('Lambda ListTags takes the function ARN, not its name; IAM ListRoleTags and the tagging API\'s GetResources carry both secure-api tags', async () => {
    const clock = new VirtualClock();
    fake = installAwsFake({ clock, deleteRestApiWindowMs: 0 });
    const me = person(clock);
    expect((await me.run(INIT)).code).toBe(0);
    const state = readState(me.statePath())!;
    const both = { 'secure-api:stack': 'secure-api', 'secure-api:state-id': state.stateId };
    const lambda = new LambdaClient({ region: 'us-east-1' });
    const fn = state.nodes.function!.out;
    expect((await lambda.send(new ListTagsCommand({ Resource: fn.functionArn }))).Tags).toMatchObject(both);
    // Lambda API reference, ListTags: Resource is the function's ARN (pattern arn:…:lambda:…:function:…).
    await expect(lambda.send(new ListTagsCommand({ Resource: fn.functionName }))).rejects.toMatchObject({ name: 'ValidationException' });
    const roleTags = (await new IAMClient({ region: 'us-east-1' }).send(new ListRoleTagsCommand({ RoleName: state.nodes.role!.out.roleName }))).Tags ?? [];
    expect(Object.fromEntries(roleTags.map((t) => [t.Key, t.Value]))).toMatchObject(both);
    const tagged = await new ResourceGroupsTaggingAPIClient({ region: 'us-east-1' }).send(new GetResourcesCommand({
      TagFilters: [{ Key: 'secure-api:state-id', Values: [state.stateId] }], ResourceTypeFilters: ['apigateway:restapis', 'lambda:function', 'cognito-idp:userpool'],
    }));
    expect(tagged.ResourceTagMappingList?.map((m) => m.ResourceARN?.split(':')[2]).sort()).toEqual(['apigateway', 'cognito-idp', 'lambda']);
  });
});
