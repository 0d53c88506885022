import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APIGatewayClient, CreateDeploymentCommand, PutIntegrationCommand, PutMethodCommand, UpdateMethodCommand, UpdateStageCommand } from '@aws-sdk/client-api-gateway';
import { CognitoIdentityProviderClient, UpdateUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readState } from '../../src/state/store.js';
import type { StateFile } from '../../src/state/schema.js';
import { isReadCall } from '../../src/status/read-only-clients.js';
import { stackListSchema, statusReportSchema, type ResourceStatus, type StatusReport } from '../../src/status/schema.js';
import { installAwsFake, type AwsFake, type AwsFakeOptions } from '../fakes/aws-fake.js';
import { runSecureApi, tempDir, VirtualClock, type RunResult } from '../support/harness.js';
import { runAwsCli } from './aws-cli.js';
import { makeDrift, securedMethod } from './drift.js';

let fake: AwsFake;
let clock: VirtualClock;
let cwd: string;

async function provision(o: AwsFakeOptions = {}, argv: string[] = []): Promise<void> {
  clock = new VirtualClock();
  fake = installAwsFake({ clock, deleteRestApiWindowMs: 0, lambdaAssumeFailures: 0, ...o });
  cwd = tempDir('secure-api-status-');
  const init = await runSecureApi(['init', '--yes', '--no-verify', ...argv], { cwd, clock });
  expect(init.code, init.stderr).toBe(0);
}

const stateFile = (stack = 'secure-api') => join(cwd, '.secure-api', `${stack}.json`);
const loadState = (stack = 'secure-api'): StateFile => readState(stateFile(stack))!;

/** Run status; every AWS call it makes must be a read. */
async function status(...argv: string[]): Promise<RunResult & { calls: string[] }> {
  const before = fake.calls.length;
  const r = await runSecureApi(['status', ...argv], { cwd, clock });
  const calls = fake.calls.slice(before).map((c) => `${c.service}:${c.command}`);
  expect(calls.filter((c) => !isReadCall(c.split(':')[1]!)), 'status must only read').toEqual([]);
  return { ...r, calls };
}

async function statusJson(...argv: string[]): Promise<{ code: number; report: StatusReport; stderr: string }> {
  const r = await status('--json', ...argv);
  return { code: r.code, report: statusReportSchema.parse(JSON.parse(r.stdout)), stderr: r.stderr };
}

const row = (rep: StatusReport, id: string): ResourceStatus => {
  const r = rep.resources.find((x) => x.id === id);
  if (!r) throw new Error(`no row ${id} in ${rep.resources.map((x) => x.id).join(', ')}`);
  return r;
};
const notPresent = (rep: StatusReport) => rep.resources.filter((r) => r.state !== 'present').map((r) => `${r.id}:${r.state}`).sort();

afterEach(() => fake?.restore());

describe('secure-api status, against the stateful fake', () => {
  beforeEach(() => provision());

  it('a clean stack: exit 0, every resource present, the URLs and the next commands', async () => {
    const r = await status();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('✓ secured and complete');
    expect(r.stdout).toMatch(/Checked live at .*: 16 resources, 16 present\./);
    expect(r.stdout).toContain(`state file ${stateFile()}`);
    const s = loadState();
    // AWS's form, or the local endpoint's when the harness serves the fake's data plane.
    const invoke = /^Invoke URL {2}(\S+)$/m.exec(r.stdout)?.[1] ?? '';
    expect(invoke).toMatch(new RegExp(`${s.nodes.api!.out.apiId!}.*/dev`));
    for (const m of ['GET', 'POST']) expect(r.stdout).toContain(`  ${m.padEnd(7)}${invoke}/items  (secured)`);
    expect(r.stdout).toMatch(/Hosted UI login {2}https:\/\/secure-api-[a-z0-9]+\.auth\.us-east-1\.amazoncognito\.com\/login\?client_id=/);
    expect(r.stdout).toMatch(new RegExp(`^JWKS {2}\\S+/${s.nodes.pool!.out.userPoolId!}/\\.well-known/jwks\\.json$`, 'm'));
    expect(r.stdout).toContain('secure-api verify --stack secure-api');
    expect(r.stdout).not.toContain('To fix');
    // The whole read is one wave: every node read once, plus the stage's deployments and the account check.
    expect(r.calls).toContain('sts:GetCallerIdentity');
    expect(r.calls).toContain('apigateway:GetDeployment');
  });

  it('--json: one document that its exported schema accepts, with the same content', async () => {
    const { code, report } = await statusJson();
    expect(code).toBe(0);
    expect(report).toMatchObject({ stack: 'secure-api', region: 'us-east-1', account: '123456789012', live: true, ok: true, complete: true });
    expect(report.counts).toMatchObject({ total: 16, present: 16 });
    expect(report.urls.routes.map((x) => `${x.method} ${x.path} ${x.state} ${x.secured}`)).toEqual(['GET /items present true', 'POST /items present true']);
    expect(report.urls.hostedUiLogin).toMatch(/^https:\/\//);
    expect(report.urls.jwks).toMatch(/\.well-known\/jwks\.json$/);
    expect(report.next.map((n) => n.command)).toContain('secure-api token --stack secure-api');
  });

  it('--offline: the state file only, and not one SDK call', async () => {
    const before = fake.calls.length;
    const text = await runSecureApi(['status', '--offline'], { cwd, clock });
    const json = await runSecureApi(['status', '--offline', '--json'], { cwd, clock });
    expect(fake.calls.length).toBe(before);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('From the state file only (--offline): 16 resources recorded');
    const report = statusReportSchema.parse(JSON.parse(json.stdout));
    expect(report).toMatchObject({ live: false, ok: null, checkedAt: null });
    expect(new Set(report.resources.map((x) => x.state))).toEqual(new Set(['unchecked']));
    expect(report.urls.routes).toHaveLength(2);
  });

  it('the function deleted out of band: function and its permission missing, exit 3', async () => {
    await makeDrift('function-deleted', loadState());
    const { code, report } = await statusJson();
    expect(code).toBe(3);
    expect(notPresent(report)).toEqual(['function:missing', 'permission:missing']);
    expect(row(report, 'function').impact).toContain('answer 500');
    // init makes it again from the recorded configuration (and its permission with it): no rebuild needed.
    expect(row(report, 'function').fix?.rebuild).toBe(false);
    expect(row(report, 'function').fix?.summary).toContain('secure-api init');
    expect(row(report, 'permission').fix?.summary).toContain('The function itself is gone');
    expect(report.next.map((n) => n.command)).toEqual(expect.arrayContaining(['secure-api init --stack secure-api']));
    const text = await status();
    expect(text.code).toBe(3);
    expect(text.stdout).toMatch(/function secure-api-fn-[a-z0-9]{6} +│ secure-api-fn-[a-z0-9]{6} +│ ✗ missing/);
    expect(text.stderr).toContain('2 of 16 resources are missing or drifted');
  });

  it('the authorizer removed from a method: the method drifted, the stage stale, and how to put it back', async () => {
    const s = loadState();
    const m = securedMethod(s);
    await makeDrift('authorizer-removed', s);
    const { code, report } = await statusJson();
    expect(code).toBe(3);
    expect(notPresent(report)).toEqual(['deployment:drifted', `${m.id}:drifted`].sort());
    const authorizerId = s.nodes.authorizer!.out.authorizerId!;
    expect(row(report, m.id).drift).toEqual([{ path: 'authorizationType', before: 'COGNITO_USER_POOLS', after: 'NONE', context: { expectedAuthorizer: authorizerId } }]);
    expect(row(report, m.id).problems).toEqual([`authorizationType is NONE, expected COGNITO_USER_POOLS with authorizer ${authorizerId}`]);
    // Not deployed: the stage still serves it secured, and says the change is waiting for the next deployment.
    expect(row(report, 'deployment').problems).toEqual([
      `GET /items is served with COGNITO_USER_POOLS but is now configured NONE (changed after deployment ${s.nodes.deployment!.out.deploymentId!})`,
    ]);
    expect(report.urls.routes.find((x) => x.method === 'GET')).toMatchObject({ state: 'drifted', servedOpen: false });
    expect(row(report, m.id).fix?.commands).toEqual([
      `aws apigateway update-method --rest-api-id ${s.nodes.api!.out.apiId!} --resource-id ${m.resourceId} --http-method GET `
      + `--patch-operations op=replace,path=/authorizationType,value=COGNITO_USER_POOLS op=replace,path=/authorizerId,value=${authorizerId} --region us-east-1`,
    ]);
    expect(row(report, 'deployment').fix?.summary).toContain('do not redeploy');
  });

  it('the Lambda permission removed: reported missing, with the add-permission that restores it', async () => {
    const s = loadState();
    await makeDrift('permission-removed', s);
    const { code, report } = await statusJson();
    expect(code).toBe(3);
    expect(notPresent(report)).toEqual(['permission:missing']);
    expect(row(report, 'permission').impact).toContain('500');
    expect(row(report, 'permission').fix?.commands).toEqual([
      `aws lambda add-permission --function-name ${s.nodes.function!.out.functionName!} --statement-id secure-api-secure-api-invoke --action lambda:InvokeFunction `
      + `--principal apigateway.amazonaws.com --source-arn 'arn:aws:execute-api:us-east-1:123456789012:${s.nodes.api!.out.apiId!}/*/*/*' --region us-east-1`,
    ]);
  });

  it('the stage pointed at another deployment that serves the same security: no drift (the watch is what the stage serves)', async () => {
    clock.t += 3_600_000;
    await makeDrift('stage-moved', loadState());
    const { code, report } = await statusJson();
    expect(code).toBe(0);
    expect(notPresent(report)).toEqual([]);
  });

  it('the stage pointed back at an older deployment that serves a method open: exit 3 naming the method, the stage and since which deployment, with the update-stage that points it back', async () => {
    const s = loadState();
    const ours = s.nodes.deployment!.out.deploymentId!;
    const apigw = new APIGatewayClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' } });
    const restApiId = s.nodes.api!.out.apiId!;
    const m = securedMethod(s);
    // An open deployment made (not served), the method secured again, then the stage rolled back onto the open one.
    await apigw.send(new UpdateMethodCommand({ restApiId, resourceId: m.resourceId, httpMethod: 'GET', patchOperations: [{ op: 'replace', path: '/authorizationType', value: 'NONE' }] }));
    clock.t += 3_600_000;
    const open = (await apigw.send(new CreateDeploymentCommand({ restApiId, description: 'made in the console' }))).id!;
    await apigw.send(new UpdateMethodCommand({ restApiId, resourceId: m.resourceId, httpMethod: 'GET', patchOperations: [
      { op: 'replace', path: '/authorizationType', value: 'COGNITO_USER_POOLS' }, { op: 'replace', path: '/authorizerId', value: s.nodes.authorizer!.out.authorizerId! }] }));
    expect((await statusJson()).code).toBe(0);
    await apigw.send(new UpdateStageCommand({ restApiId, stageName: 'dev', patchOperations: [{ op: 'replace', path: '/deploymentId', value: open }] }));
    const { code, report } = await statusJson();
    expect(code).toBe(3);
    expect(notPresent(report)).toEqual(['deployment:drifted']);
    expect(row(report, 'deployment').problems).toEqual([
      expect.stringMatching(new RegExp(`^GET /items is served with NONE \\(no token needed\\) on stage dev since deployment ${open} \\(made 2026-01-01T01:\\d\\d:\\d\\dZ\\); this stack secures it with COGNITO_USER_POOLS$`)),
      `GET /items is served with NONE but is now configured COGNITO_USER_POOLS (changed after deployment ${open})`,
    ]);
    expect(report.urls.routes.filter((x) => x.servedOpen).map((x) => `${x.method} ${x.path}`)).toEqual(['GET /items']);
    expect(row(report, 'deployment').fix?.commands).toEqual([
      `aws apigateway update-stage --rest-api-id ${restApiId} --stage-name dev --patch-operations op=replace,path=/deploymentId,value=${ours} --region us-east-1`,
    ]);
    await runAwsCli(row(report, 'deployment').fix!.commands[0]!);
    expect((await statusJson()).code).toBe(0);
  });

  it('an owner adds an open method by hand and deploys it: exit 3 naming it (the stack\'s routes are the policy)', async () => {
    const s = loadState();
    const apigw = new APIGatewayClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' } });
    const restApiId = s.nodes.api!.out.apiId!;
    await apigw.send(new PutMethodCommand({ restApiId, resourceId: securedMethod(s).resourceId, httpMethod: 'DELETE', authorizationType: 'NONE' }));
    await apigw.send(new PutIntegrationCommand({ restApiId, resourceId: securedMethod(s).resourceId, httpMethod: 'DELETE', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
    const dep = (await apigw.send(new CreateDeploymentCommand({ restApiId, stageName: 'dev', description: 'refund' }))).id!;
    const { code, report } = await statusJson();
    expect(code).toBe(3);
    expect(row(report, 'deployment').drift.map((d) => [d.path, d.context?.method, d.context?.deployment])).toEqual([['served.openMethod', 'DELETE /items', dep]]);
    expect(row(report, 'deployment').impact).toBe('anyone can call the methods named without a token');
    expect(row(report, 'deployment').fix?.summary).toContain('DELETE /items is on the API but in none of the stack\'s routes');
  });

  it('a deployment without the authorizer served on the stage: NOT SECURED, and the urgent fix first', async () => {
    await makeDrift('open-deployment-served', loadState());
    const { code, report } = await statusJson();
    expect(code).toBe(3);
    expect(row(report, 'deployment').problems).toEqual([expect.stringMatching(/^GET \/items is served with NONE \(no token needed\) on stage dev since deployment \w+ \(made [\dT:-]+Z\); this stack secures it with COGNITO_USER_POOLS$/)]);
    expect(report.urls.routes.filter((x) => x.servedOpen).map((x) => `${x.method} ${x.path}`)).toEqual(['GET /items']);
    const text = await status();
    expect(text.stdout).toContain('✗ NOT SECURED: GET /items answers without a token');
    expect(text.stdout).toContain('(OPEN: no token needed)');
    const toFix = text.stdout.slice(text.stdout.indexOf('To fix'));
    expect(toFix.indexOf('stage dev')).toBeLessThan(toFix.indexOf('method GET /items'));
  });

  it('the user pool deleted: pool, app client and hosted UI domain missing, exit 3', async () => {
    await makeDrift('pool-deleted', loadState());
    const { code, report } = await statusJson();
    expect(code).toBe(3);
    expect(notPresent(report)).toEqual(['client:missing', 'domain:missing', 'pool:missing']);
    expect(row(report, 'pool').impact).toContain('nobody can sign in');
    expect(report.urls.hostedUiLogin).not.toBeNull();
  });

  it('the CORS preflight put behind the authorizer: drifted, fix opens it again', async () => {
    await makeDrift('preflight-secured', loadState());
    const { code, report } = await statusJson();
    expect(code).toBe(3);
    expect(row(report, 'cors:/items').drift.map((d) => d.path)).toEqual(['preflight.authorizationType']);
    expect(row(report, 'cors:/items').problems[0]).toContain('CORS preflights must stay open (NONE)');
    expect(row(report, 'cors:/items').fix?.commands[0]).toContain('--http-method OPTIONS --patch-operations op=replace,path=/authorizationType,value=NONE');
  });

  it('the app client losing its OAuth flows (UpdateUserPoolClient resets what it is not given): drifted', async () => {
    const s = loadState();
    await new CognitoIdentityProviderClient({ region: 'us-east-1' }).send(new UpdateUserPoolClientCommand({
      UserPoolId: s.nodes.pool!.out.userPoolId, ClientId: s.nodes.client!.out.clientId, ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
    }));
    const { code, report } = await statusJson();
    expect(code).toBe(3);
    // Every OAuth setting was reset with it: the one comparison names each.
    expect(row(report, 'client').drift.map((d) => d.path)).toEqual([
      'authFlows', 'oauth.callbackUrls', 'oauth.enabled', 'oauth.flows', 'oauth.logoutUrls', 'oauth.scopes', 'supportedIdentityProviders',
    ]);
    expect(row(report, 'client').problems).toEqual([
      expect.stringMatching(/^ExplicitAuthFlows lack /),
      'CallbackURLs lack http://localhost:8765/callback',
      'OAuth sign-in (the hosted UI) is turned off for the client',
      'AllowedOAuthFlows lack code',
      'LogoutURLs lack http://localhost:8765/',
      'AllowedOAuthScopes lack email, openid, profile',
      'SupportedIdentityProviders lack COGNITO',
    ]);
    expect(row(report, 'client').fix?.commands[0]).toMatch(/^aws cognito-idp update-user-pool-client .*--allowed-o-auth-flows code .*--callback-urls /);
  });

  it('the fixes it prints work: applied as printed, status is back to exit 0', async () => {
    const s = loadState();
    clock.t += 60_000;
    await makeDrift('open-deployment-served', s);
    await makeDrift('permission-removed', s);
    await makeDrift('preflight-secured', s);
    await new CognitoIdentityProviderClient({ region: 'us-east-1' }).send(new UpdateUserPoolClientCommand({
      UserPoolId: s.nodes.pool!.out.userPoolId, ClientId: s.nodes.client!.out.clientId, ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
    }));
    const { code, report } = await statusJson();
    expect(code).toBe(3);
    expect(notPresent(report)).toEqual(['client:drifted', 'cors:/items:drifted', 'deployment:drifted', 'method:GET /items:drifted', 'permission:missing']);
    const commands = report.resources.flatMap((r) => r.fix?.commands ?? []);
    expect(commands.every((cmd) => cmd.startsWith('aws '))).toBe(true);
    for (const cmd of commands) await runAwsCli(cmd);
    // The open deployment is still on the API, but no stage serves it: what the stage serves is the watch.
    expect((await statusJson()).code).toBe(0);
  });

  it('an AWS error while reading: the row says so, exit 1', async () => {
    fake.inject({ command: 'GetFunction', error: 'AccessDeniedException', message: 'User is not authorized to perform: lambda:GetFunction', times: 10 });
    const { code, report, stderr } = await statusJson();
    expect(code).toBe(1);
    expect(row(report, 'function')).toMatchObject({ state: 'error' });
    expect(row(report, 'function').problems[0]).toContain('AccessDeniedException');
    expect(stderr).toContain('1 of 16 resources could not be read from AWS');
  });

  it('Ctrl-C while a read waits to retry: exit 130, not an AWS failure', async () => {
    fake.inject({ command: 'GetFunction', error: 'TooManyRequestsException', times: 50 });
    const controller = new AbortController();
    controller.abort();
    const r = await runSecureApi(['status'], { cwd, clock, signal: controller.signal });
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('Interrupted: status was not finished');
  });

  it('credentials for another account: exit 2 after the one STS call, instead of calling everything missing', async () => {
    const s = loadState();
    writeFileSync(stateFile(), JSON.stringify({ ...s, account: '999999999999' }));
    const r = await status();
    expect(r.code).toBe(2);
    expect(r.calls).toEqual(['sts:GetCallerIdentity']);
    expect(r.stderr).toContain('these credentials are for account 123456789012, but stack "secure-api" lives in account 999999999999');
  });

  it('a node left "creating" by an interrupted run: unfinished, exit 3, resume with init', async () => {
    const s = loadState();
    s.nodes.domain!.status = 'creating';
    writeFileSync(stateFile(), JSON.stringify(s));
    const { code, report } = await statusJson();
    expect(code).toBe(3);
    expect(row(report, 'domain')).toMatchObject({ state: 'unfinished' });
    // init resumes from the recorded configuration: one command, no configuration to keep aside (issue 24).
    expect(row(report, 'domain').fix?.commands).toEqual(['secure-api init --stack secure-api']);
  });

  it('usage errors exit 2 before any AWS call: unknown stack, another region', async () => {
    const before = fake.calls.length;
    const unknown = await runSecureApi(['status', '--stack', 'nope'], { cwd, clock });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no stack "nope"');
    expect(unknown.stderr).toContain('Stacks there: secure-api.');
    const region = await runSecureApi(['status', '--region', 'eu-west-1'], { cwd, clock });
    expect(region.code).toBe(2);
    expect(region.stderr).toContain('stack "secure-api" lives in us-east-1, not eu-west-1');
    expect(fake.calls.length).toBe(before);
  });

  it('several stacks: status lists them on a terminal; unattended it exits 2 asking for --stack; --stack picks one', async () => {
    const second = await runSecureApi(['init', '--yes', '--no-verify', '--stack', 'other'], { cwd, clock });
    expect(second.code, second.stderr).toBe(0);
    const before = fake.calls.length;
    // On a terminal: the list, to pick one from.
    const list = await runSecureApi(['status'], { cwd, clock, tty: true, env: { CI: '' } });
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`2 stacks in ${join(cwd, '.secure-api')}:`);
    expect(list.stdout).toMatch(/│ other +│ us-east-1 +│ 2026-01-01 00:\d\d UTC +│ 16 +│/);
    // Unattended (CI, a pipe, --json) a listing would pass as a green status while checking nothing: exit 2, naming them.
    for (const argv of [['status'], ['status', '--json']]) {
      const r = await runSecureApi(argv, { cwd, clock });
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toContain(`status without --stack checks no stack: 2 stacks in ${join(cwd, '.secure-api')} (other, secure-api)`);
      expect(r.stderr).toContain('--stack other');
    }
    // --json: stdout is still the one list document.
    const json = stackListSchema.parse(JSON.parse((await runSecureApi(['status', '--json'], { cwd, clock })).stdout));
    expect(json.stacks.map((x) => `${x.stack} ${x.resources} ${x.complete}`)).toEqual(['other 16 true', 'secure-api 16 true']);
    const ci = await runSecureApi(['status'], { cwd, clock, tty: true, env: { CI: 'true' } });
    expect(ci.code).toBe(2);
    expect(fake.calls.length).toBe(before);
    const one = await status('--stack', 'other');
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('Stack other ·');
  });
});

describe('status with no stack', () => {
  it('says to run init, exit 2', async () => {
    fake = installAwsFake();
    const r = await runSecureApi(['status'], { cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Create one with `secure-api init`');
    expect(fake.calls).toEqual([]);
  });
});

describe('a hosted UI domain still being set up', () => {
  it('is present, with a note, and the stack is fine (exit 0)', async () => {
    await provision({ domainCreatingDescribes: 100 });
    const { code, report } = await statusJson();
    expect(code).toBe(0);
    expect(row(report, 'domain').state).toBe('present');
    expect(report.notes).toEqual([expect.stringMatching(/^hosted UI domain secure-api-\w+ is CREATING/)]);
    expect(JSON.parse(readFileSync(stateFile(), 'utf8'))).toMatchObject({ complete: true });
  });
});
