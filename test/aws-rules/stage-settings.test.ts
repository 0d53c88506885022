/**
 * Issue 25.6: the stage's X-Ray tracing and default method throttling, as options. The fake's UpdateStage rules
 * (named after API Gateway's behaviour), then the life of a stack: init sets them, plan shows them, a change updates
 * in place, a setting turned off puts back what the stage had, destroy leaves a stage of the user's as it was.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APIGatewayClient, GetAccountCommand, GetStageCommand, UpdateAccountCommand, UpdateStageCommand, type Stage } from '@aws-sdk/client-api-gateway';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DEFAULT_ACCESS_LOG_FORMAT } from '../../src/config/schema.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readState } from '../../src/state/store.js';
import { planJsonSchema } from '../../src/status/plan-schema.js';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { makeLegacyApi } from '../existing/legacy-api.js';
import { runSecureApi, tempDir, VirtualClock } from '../support/harness.js';

const apigw = () => new APIGatewayClient({ region: 'us-east-1' });
let fake: AwsFake;
let clock: VirtualClock;
let cwd: string;
beforeEach(() => {
  clock = new VirtualClock();
  fake = installAwsFake({ clock, deleteRestApiWindowMs: 0, lambdaAssumeFailures: 0 });
  cwd = tempDir('secure-api-stage-settings-');
});
afterEach(() => fake.restore());

const run = (...argv: string[]) => {
  clock.t += 60_000;
  return runSecureApi([...argv, '--stack', 'shop'], { cwd, clock });
};
const apiIdOf = (): string => readState(join(cwd, '.secure-api', 'shop.json'))!.nodes.api!.out.apiId!;
const stage = (restApiId: string, stageName = 'dev'): Promise<Stage> => {
  clock.t += 60_000;
  return apigw().send(new GetStageCommand({ restApiId, stageName }));
};
const throttleOf = (s: Stage) => {
  const m = s.methodSettings?.['*/*'];
  return m ? { rateLimit: m.throttlingRateLimit, burstLimit: m.throttlingBurstLimit } : undefined;
};
/** As someone would by hand, some time later (API Gateway's control-plane quota refills meanwhile). */
const patch = (restApiId: string, stageName: string, ...ops: Array<{ op: 'replace' | 'remove'; path: string; value?: string }>) => {
  clock.t += 60_000;
  return apigw().send(new UpdateStageCommand({ restApiId, stageName, patchOperations: ops }));
};

describe('the fake: UpdateStage method settings and tracing, as API Gateway has them', () => {
  it('a patch of /*/*/throttling/rateLimit makes the "*/*" method setting (throttling -1 until set: none of its own), answered by GetStage', async () => {
    const { apiId } = await makeLegacyApi();
    expect((await stage(apiId, 'prod')).methodSettings).toEqual({});
    await patch(apiId, 'prod', { op: 'replace', path: '/*/*/throttling/rateLimit', value: '12.5' });
    expect(throttleOf(await stage(apiId, 'prod'))).toEqual({ rateLimit: 12.5, burstLimit: -1 });
    await patch(apiId, 'prod', { op: 'replace', path: '/*/*/throttling/burstLimit', value: '30' });
    expect(throttleOf(await stage(apiId, 'prod'))).toEqual({ rateLimit: 12.5, burstLimit: 30 });
  });

  it('throttlingBurstLimit is an integer and throttlingRateLimit a number: anything else is BadRequestException', async () => {
    const { apiId } = await makeLegacyApi();
    await expect(patch(apiId, 'prod', { op: 'replace', path: '/*/*/throttling/burstLimit', value: '2.5' })).rejects.toMatchObject({ name: 'BadRequestException' });
    await expect(patch(apiId, 'prod', { op: 'replace', path: '/*/*/throttling/rateLimit', value: 'fast' })).rejects.toMatchObject({ name: 'BadRequestException' });
    await expect(patch(apiId, 'prod', { op: 'replace', path: '/tracingEnabled', value: 'yes' })).rejects.toMatchObject({ name: 'BadRequestException' });
  });

  it('remove /*/* takes the method setting away, and without one is BadRequestException "Cannot remove method setting */*…"', async () => {
    const { apiId } = await makeLegacyApi();
    await expect(patch(apiId, 'prod', { op: 'remove', path: '/*/*' })).rejects.toThrow(/Cannot remove method setting \*\/\* because there is no method setting for this method/);
    await patch(apiId, 'prod', { op: 'replace', path: '/*/*/throttling/rateLimit', value: '5' });
    await patch(apiId, 'prod', { op: 'remove', path: '/*/*' });
    expect((await stage(apiId, 'prod')).methodSettings).toEqual({});
  });
});

describe('the fake: access logging, as API Gateway has it', () => {
  const group = 'arn:aws:logs:us-east-1:123456789012:log-group:access';
  const FORMAT = '{"requestId":"$context.requestId","status":"$context.status"}';
  const on = (apiId: string, destinationArn: string, format = FORMAT) => patch(apiId, 'prod',
    { op: 'replace', path: '/accessLogSettings/destinationArn', value: destinationArn }, { op: 'replace', path: '/accessLogSettings/format', value: format });
  const setRole = () => apigw().send(new UpdateAccountCommand({ patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value: 'arn:aws:iam::123456789012:role/apigw-logs' }] }));

  it('without a CloudWatch role in the account settings: "CloudWatch Logs role ARN must be set in account settings to enable logging"', async () => {
    const { apiId } = await makeLegacyApi();
    expect((await apigw().send(new GetAccountCommand({}))).cloudwatchRoleArn).toBeUndefined();
    await expect(on(apiId, group)).rejects.toThrow('CloudWatch Logs role ARN must be set in account settings to enable logging');
    await setRole();
    expect((await apigw().send(new GetAccountCommand({}))).cloudwatchRoleArn).toBe('arn:aws:iam::123456789012:role/apigw-logs');
    await on(apiId, group);
    expect((await stage(apiId, 'prod')).accessLogSettings).toEqual({ destinationArn: group, format: FORMAT });
    await patch(apiId, 'prod', { op: 'remove', path: '/accessLogSettings' });
    expect((await stage(apiId, 'prod')).accessLogSettings).toBeUndefined();
  });

  it('the destination is a log group ARN (a trailing ":*" taken and not kept), and the format holds $context.requestId or $context.extendedRequestId', async () => {
    const { apiId } = await makeLegacyApi();
    await setRole();
    await on(apiId, `${group}:*`);
    expect((await stage(apiId, 'prod')).accessLogSettings?.destinationArn).toBe(group);
    await expect(on(apiId, 'arn:aws:s3:::bucket')).rejects.toMatchObject({ name: 'BadRequestException' });
    await expect(on(apiId, group, '$context.status $context.path')).rejects.toThrow(/\$context.requestId or \$context.extendedRequestId/);
    await on(apiId, group, '$context.extendedRequestId $context.status');
  });
});

describe('tracing and throttling on a stack of our own', () => {
  it('init sets them, plan names them, a change updates in place, off puts back what the stage had; status sees a change by hand (exit 3)', async () => {
    const dry = await run('init', '--yes', '--dry-run', '--tracing', '--throttle', '100,200');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/stage dev X-Ray tracing/);
    expect(dry.stdout).toMatch(/stage dev throttling 100\/s, burst 200/);

    const init = await run('init', '--yes', '--no-verify', '--tracing', '--throttle', '100,200');
    expect(init.code, init.stderr).toBe(0);
    const apiId = apiIdOf();
    let live = await stage(apiId);
    expect(live.tracingEnabled).toBe(true);
    expect(throttleOf(live)).toEqual({ rateLimit: 100, burstLimit: 200 });
    expect((await run('status')).code).toBe(0);

    // Raised by hand: drift, named on its node; init puts it back.
    await patch(apiId, 'dev', { op: 'replace', path: '/*/*/throttling/rateLimit', value: '10000' });
    const st = await run('status', '--json');
    expect(st.code).toBe(3);
    const drifted = (JSON.parse(st.stdout) as { resources: Array<{ id: string; state: string; drift: Array<{ path: string; before: unknown; after: unknown }> }> }).resources.find((r) => r.id === 'stage-setting:throttle')!;
    expect(drifted.drift).toEqual([expect.objectContaining({ path: 'throttle.rateLimit', before: 100, after: 10000 })]);

    // A new limit: an update of that node alone, no new deployment (a stage setting is not part of one).
    const plan = await run('plan', '--json', '--throttle', '50,80');
    const changes = planJsonSchema.parse(JSON.parse(plan.stdout)).changes.filter((c) => c.action !== 'no-op');
    expect(changes.map((c) => [c.id, c.action])).toEqual([['stage-setting:throttle', 'update']]);
    const deploymentsBefore = Object.keys(fake.state.apigateway.apis[apiId]!.deployments).length;
    expect((await run('init', '--yes', '--no-verify', '--throttle', '50,80')).code).toBe(0);
    expect(throttleOf(await stage(apiId))).toEqual({ rateLimit: 50, burstLimit: 80 });
    expect(Object.keys(fake.state.apigateway.apis[apiId]!.deployments)).toHaveLength(deploymentsBefore);

    // Turned off: the nodes go, and the stage is back to what it had (no method setting, no tracing).
    const off = await run('init', '--yes', '--no-verify', '--no-throttle', '--no-tracing');
    expect(off.code, off.stderr).toBe(0);
    live = await stage(apiId);
    expect(live.tracingEnabled).toBe(false);
    expect(live.methodSettings).toEqual({});
    expect(Object.keys(readState(join(cwd, '.secure-api', 'shop.json'))!.nodes).filter((id) => id.startsWith('stage-setting'))).toEqual([]);
    expect((await run('status')).code).toBe(0);
    expect((await run('destroy', '--yes')).code).toBe(0);
  }, 60_000);

  it('a throttle AWS would refuse, or a flag that is not RATE,BURST, is exit 2 before any AWS call', async () => {
    for (const [flag, message] of [
      ['0,10', /more than 0 requests per second/],
      ['100,0', /burstLimit must be at least 1/],
      ['20000,10', /at most 10000/],
      ['100,6000', /at most 5000/],
      ['100,2.5', /must be RATE,BURST/],
      ['fast', /must be RATE,BURST/],
    ] as const) {
      const before = fake.calls.length;
      const r = await run('init', '--yes', '--no-verify', '--throttle', flag);
      expect(r.code, flag).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(fake.calls.length, flag).toBe(before);
    }
  });
});

describe('the access log\'s group name (the operator policy writes log groups only under /aws/lambda/ and /aws/apigateway/)', () => {
  it.each(['/aws/cloudtrail/x', 'my-access-log', '/aws/apigateway/'])('%s: exit 2 before any AWS call', async (name) => {
    const file = join(tempDir(), 'c.json');
    writeFileSync(file, JSON.stringify({ stack: 'shop', stage: { accessLog: { logGroupName: name } } }));
    const before = fake.calls.length;
    const r = await run('init', '--yes', '--no-verify', '--config', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/stage\.accessLog\.logGroupName must start with \/aws\/apigateway\//);
    expect(fake.calls.length).toBe(before);
  });
  it('a name under /aws/apigateway/ is taken as given', async () => {
    const file = join(tempDir(), 'c.json');
    writeFileSync(file, JSON.stringify({ stack: 'shop', stage: { accessLog: { logGroupName: '/aws/apigateway/shop/access' } } }));
    await apigw().send(new UpdateAccountCommand({ patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value: 'arn:aws:iam::123456789012:role/apigw-logs' }] }));
    const r = await run('init', '--yes', '--no-verify', '--config', file);
    expect(r.code, r.stderr).toBe(0);
    expect(readState(join(cwd, '.secure-api', 'shop.json'))!.nodes['log-group:access']?.out.logGroupName).toBe('/aws/apigateway/shop/access');
  });
});

describe('tracing and throttling on a stage of the user\'s (--api-id)', () => {
  it('set only when asked, and put back as it was on destroy (their throttle, their tracing)', async () => {
    const { apiId } = await makeLegacyApi();
    // Their stage: throttled by hand at 10/20, not traced, with metrics on (someone else's setting, kept).
    await patch(apiId, 'prod', { op: 'replace', path: '/*/*/throttling/rateLimit', value: '10' }, { op: 'replace', path: '/*/*/throttling/burstLimit', value: '20' });
    const before = await stage(apiId, 'prod');

    const plain = await run('init', '--yes', '--no-verify', '--api-id', apiId, '--stage', 'prod');
    expect(plain.code, plain.stderr).toBe(0);
    const untouched = await stage(apiId, 'prod');
    expect([untouched.tracingEnabled, untouched.methodSettings]).toEqual([before.tracingEnabled, before.methodSettings]);

    const asked = await run('init', '--yes', '--no-verify', '--api-id', apiId, '--stage', 'prod', '--tracing', '--throttle', '100,200');
    expect(asked.code, asked.stderr).toBe(0);
    const set = await stage(apiId, 'prod');
    expect(set.tracingEnabled).toBe(true);
    expect(throttleOf(set)).toEqual({ rateLimit: 100, burstLimit: 200 });
    const recorded = readState(join(cwd, '.secure-api', 'shop.json'))!.nodes;
    expect(recorded['stage-setting:throttle']!.prior).toEqual({ throttle: { rateLimit: 10, burstLimit: 20 } });
    expect(recorded['stage-setting:tracing']!.prior).toEqual({ tracing: false });

    const gone = await run('destroy', '--yes');
    expect(gone.code, gone.stderr).toBe(0);
    const after = await stage(apiId, 'prod');
    expect(after.tracingEnabled).toBe(false);
    expect(throttleOf(after)).toEqual({ rateLimit: 10, burstLimit: 20 });
  }, 60_000);
});

describe('access logging into a log group of its own', () => {
  const logs = () => new CloudWatchLogsClient({ region: 'us-east-1' });
  const groups = async () => (await logs().send(new DescribeLogGroupsCommand({}))).logGroups ?? [];
  /** What an administrator does once per account and region (never secure-api). */
  const setRole = () => apigw().send(new UpdateAccountCommand({ patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value: 'arn:aws:iam::123456789012:role/APIGatewayPushToCloudWatchLogs' }] }));

  it('without API Gateway\'s CloudWatch role in the account: exit 2 before any write, with the commands that set it; the account setting is never changed', async () => {
    const before = fake.calls.length;
    const r = await run('init', '--yes', '--no-verify', '--access-log-retention', '14');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/access logging needs a CloudWatch Logs role in API Gateway's account settings/);
    expect(r.stderr).toMatch(/aws apigateway update-account --region us-east-1 --patch-operations op=replace,path=\/cloudwatchRoleArn,value=arn:aws:iam::123456789012:role\/APIGatewayPushToCloudWatchLogs/);
    expect(r.stderr).toMatch(/AmazonAPIGatewayPushToCloudWatchLogs/);
    const sent = fake.calls.slice(before).map((c) => c.command);
    expect(sent).toContain('GetAccount');
    expect(sent.filter((c) => !/^(Get|List|Describe)/.test(c))).toEqual([]);
    expect(sent).not.toContain('UpdateAccount');
  });

  it('init makes the group with its retention and logs the stage into it; a format changed by hand is drift; --no-access-log puts the stage back and deletes the group', async () => {
    await setRole();
    const init = await run('init', '--yes', '--no-verify', '--access-log-retention', '14');
    expect(init.code, init.stderr).toBe(0);
    const apiId = apiIdOf();
    const [group] = (await groups()).filter((g) => g.logGroupName?.endsWith('/dev/access'));
    expect(group).toMatchObject({ retentionInDays: 14 });
    expect(group!.logGroupName).toMatch(/^\/aws\/apigateway\/shop-[a-z0-9]{6}\/dev\/access$/);
    const live = await stage(apiId);
    expect(live.accessLogSettings).toEqual({ destinationArn: group!.arn!.replace(/:\*$/, ''), format: DEFAULT_ACCESS_LOG_FORMAT });
    expect((await run('status')).code).toBe(0);

    await patch(apiId, 'dev', { op: 'replace', path: '/accessLogSettings/format', value: '$context.requestId' });
    const st = await run('status', '--json');
    expect(st.code).toBe(3);
    const res = (JSON.parse(st.stdout) as { resources: Array<{ id: string; drift: Array<{ path: string }> }> }).resources.find((x) => x.id === 'stage-setting:access-log')!;
    expect(res.drift.map((d) => d.path)).toEqual(['accessLog.format']);
    expect((await run('init', '--yes', '--no-verify')).code).toBe(0);
    expect((await stage(apiId)).accessLogSettings?.format).toBe(DEFAULT_ACCESS_LOG_FORMAT);

    // show --json is the document init --config takes: planned against the live stack, it changes nothing.
    const shown = await run('show', '--json');
    expect(shown.code, shown.stderr).toBe(0);
    const doc = JSON.parse(shown.stdout) as { stage: Record<string, unknown> };
    expect(doc.stage.accessLog).toMatchObject({ retentionDays: 14, format: DEFAULT_ACCESS_LOG_FORMAT });
    writeFileSync(join(cwd, 'shown.json'), shown.stdout);
    const again = await run('plan', '--config', join(cwd, 'shown.json'));
    expect(again.code, again.stdout + again.stderr).toBe(0);

    // Exported with the stage: Terraform's access_log_settings and CloudFormation's AccessLogSetting name the group.
    const tf = await run('export', 'terraform', '--out', join(cwd, 'tf'), '--json');
    expect(tf.code, tf.stderr).toBe(0);
    const main = readFileSync(join(cwd, 'tf', 'main.tf'), 'utf8');
    expect(main).toMatch(/access_log_settings \{\s+destination_arn = aws_cloudwatch_log_group\.[a-z0-9_]+\.arn\s+format\s+= /);
    expect(main).toContain('retention_in_days = 14');

    const off = await run('init', '--yes', '--no-verify', '--no-access-log');
    expect(off.code, off.stderr).toBe(0);
    expect((await stage(apiId)).accessLogSettings).toBeUndefined();
    expect((await groups()).filter((g) => g.logGroupName?.endsWith('/dev/access'))).toEqual([]);
    expect((await run('destroy', '--yes')).code).toBe(0);
  }, 60_000);

  it('on a stage of the user\'s: their access log is put back on destroy, and our group goes', async () => {
    await setRole();
    const { apiId } = await makeLegacyApi();
    const theirs = { destinationArn: 'arn:aws:logs:us-east-1:123456789012:log-group:their-access-log', format: '$context.requestId $context.status' };
    await patch(apiId, 'prod', { op: 'replace', path: '/accessLogSettings/destinationArn', value: theirs.destinationArn }, { op: 'replace', path: '/accessLogSettings/format', value: theirs.format });
    const r = await run('init', '--yes', '--no-verify', '--api-id', apiId, '--stage', 'prod', '--access-log-retention', '7');
    expect(r.code, r.stderr).toBe(0);
    expect((await stage(apiId, 'prod')).accessLogSettings?.destinationArn).toMatch(/log-group:\/aws\/apigateway\/shop-[a-z0-9]{6}\/prod\/access$/);
    expect((await run('destroy', '--yes')).code).toBe(0);
    expect((await stage(apiId, 'prod')).accessLogSettings).toEqual(theirs);
    expect((await groups()).filter((g) => g.logGroupName?.endsWith('/prod/access'))).toEqual([]);
  }, 60_000);
});
