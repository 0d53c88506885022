/**
 * `secure-api policy` is the least privilege the code needs, from one list of calls (src/plan/permissions.ts): every
 * SDK command imported under src/ is on that list, every entry is a real SDK command, and every call a full run
 * (init with verify, status, verify, users, token, destroy, a killed run resumed and destroyed, --orphans) sends to
 * the fake maps to an action the policy allows.
 */
import * as apigateway from '@aws-sdk/client-api-gateway';
import * as logs from '@aws-sdk/client-cloudwatch-logs';
import * as cognito from '@aws-sdk/client-cognito-identity-provider';
import * as iam from '@aws-sdk/client-iam';
import * as lambda from '@aws-sdk/client-lambda';
import * as tagging from '@aws-sdk/client-resource-groups-tagging-api';
import * as s3 from '@aws-sdk/client-s3';
import * as sts from '@aws-sdk/client-sts';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IAM_PREFIX } from '../../src/aws/clients.js';
import { minimalPolicy, WIDE_GRANTS, type PolicyDocument } from '../../src/plan/operator-policy.js';
import { callCatalogue, iamActionsFor, NO_PERMISSION_NEEDED } from '../../src/plan/permissions.js';
import { startFakeDataPlane, type FakeDataPlane } from '../fakes/data-plane.js';
import { runCliOnce } from '../verify/run-cli.js';
import { suiteFigures } from './support/figures.js';
import { killAfter } from './support/faults.js';
import { INIT, STACK, scenario, type Scenario } from './support/scenario.js';

const figures = suiteFigures('policy');
let s: Scenario | undefined;
let plane: FakeDataPlane | undefined;
afterEach(async () => {
  s?.restore();
  await plane?.close();
});

const SRC = resolve(__dirname, '../../src');
const PACKAGE_PREFIX: Record<string, string> = {
  'api-gateway': 'apigateway', 'cognito-identity-provider': 'cognito-idp', lambda: 'lambda', iam: 'iam', sts: 'sts', 'resource-groups-tagging-api': 'tag', s3: 's3', 'cloudwatch-logs': 'logs',
};
const SDK: Record<string, Record<string, unknown>> = { apigateway, 'cognito-idp': cognito, iam, lambda, tag: tagging, sts, s3, logs };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

/** `service:Action` for every SDK command class imported under src/. */
function importedCalls(): Map<string, string> {
  const found = new Map<string, string>();
  const re = /import\s*\{([^}]*?)\}\s*from\s*'@aws-sdk\/client-([a-z0-9-]+)'/g;
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(re)) {
      const prefix = PACKAGE_PREFIX[m[2]!];
      for (const name of m[1]!.split(',').map((x) => x.trim())) {
        const cmd = /^([A-Z]\w+)Command$/.exec(name);
        if (cmd && prefix) found.set(`${prefix}:${cmd[1]}`, file.slice(SRC.length + 1));
      }
    }
  }
  return found;
}

const allowed = (policy: PolicyDocument) => new Set(policy.Statement.flatMap((st) => st.Action));

describe('one list of calls', () => {
  it('holds every SDK command the source imports', () => {
    const catalogue = callCatalogue();
    const imported = importedCalls();
    expect(imported.size).toBeGreaterThan(40);
    const missing = [...imported].filter(([call]) => !catalogue.has(call)).map(([call, file]) => `${call} (${file})`);
    expect(missing, 'add these to src/plan/permissions.ts').toEqual([]);
    figures.cases++;
  });

  it('names only real SDK commands, each allowed by the policy (or public); the S3 ones only with --state', () => {
    expect([...allowed(minimalPolicy())].filter((a) => a.startsWith('s3:'))).toEqual([]);
    const policy = allowed(minimalPolicy({ state: { bucket: 'team-state', prefix: 'secure-api', createBucket: true } }));
    for (const call of callCatalogue().keys()) {
      const [prefix, action] = call.split(':') as [string, string];
      expect(typeof SDK[prefix]?.[`${action}Command`], `${call} is an SDK command`).toBe('function');
      for (const a of iamActionsFor(call)) expect(policy.has(a), `${call} → ${a}`).toBe(true);
      if (iamActionsFor(call).length === 0) expect(NO_PERMISSION_NEEDED.has(call)).toBe(true);
    }
    figures.cases++;
  });
});

describe('a full run uses nothing the policy does not allow', () => {
  it('init (verify), status, verify, users, token, destroy, a killed run, --orphans, forget', async () => {
    s = scenario();
    s.clock.t = Date.now();
    plane = await startFakeDataPlane(s.fake);
    const env = { SECURE_API_IDP_GOOGLE_SECRET: 'idp-secret-for-the-policy-test' };
    writeFileSync(join(s.cwd, 'stack.json'), JSON.stringify({
      stack: STACK, userPool: { identityProviders: [{ type: 'Google', clientId: 'g' }], mfa: { mode: 'OPTIONAL', totp: true } },
      hostedUi: { domainPrefix: 'demo-login' }, appClient: { type: 'confidential' },
      routes: [{ path: '/items', methods: ['GET'] }, { path: '/health', methods: ['GET'], integration: { type: 'mock' }, public: true }],
    }));
    // Every call authorized against the generic policy, as IAM would (test/fakes/iam-evaluate.ts).
    s.fake.setCallerPolicy(minimalPolicy());
    const common = ['--stack', STACK, '--endpoint-url', plane.url];
    const ok = async (argv: string[]) => {
      const r = await s!.run(argv, { env });
      figures.runs++;
      expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
    };
    await ok(['init', '--yes', '--config', 'stack.json', ...common]);
    await ok(['status', ...common]);
    await ok(['verify', ...common]);
    const added = await runCliOnce(['users', 'add', 'bob@example.com', '--password-stdin', ...common], { cwd: s.cwd, env, stdin: 'Str0ng&Secret-Pw!42\n' });
    expect(added.code, added.stderr).toBe(0);
    await ok(['users', 'list', ...common]);
    await ok(['users', 'remove', 'bob@example.com', ...common]);
    await ok(['token', ...common]);
    await ok(['destroy', '--yes', ...common]);
    // A run killed halfway, resumed (find adopts), then one killed and destroyed straight away (find looks).
    const revive = killAfter(s.fake, { command: 'PutMethod', nth: 2 });
    expect((await s.run(INIT)).code).toBe(1);
    revive();
    await ok(INIT);
    await ok(['destroy', '--yes', '--stack', STACK]);
    const revive2 = killAfter(s.fake, { command: 'CreateUserPoolClient', nth: 1 });
    expect((await s.run(INIT)).code).toBe(1);
    revive2();
    await ok(['destroy', '--yes', '--stack', STACK]);
    // The state file lost: the search by tag, then removal.
    await ok(INIT);
    const lostId = s.state()!.stateId;
    rmSync(s.statePath);
    rmSync(`${s.statePath}.bak`, { force: true });
    expect((await s.run(['status', '--stack', STACK, '--orphans'])).code).toBe(3);
    // init finds the tagged stack and stops; --adopt takes it back into a new state (the same id), destroy removes it.
    expect((await s.run(INIT)).code).toBe(2);
    await ok([...INIT, '--adopt']);
    expect(s.state()?.stateId).toBe(lostId);
    await ok(['destroy', '--yes', '--stack', STACK]);
    await ok(INIT);
    const lostAgain = s.state()!.stateId;
    rmSync(s.statePath);
    rmSync(`${s.statePath}.bak`, { force: true });
    await ok(['destroy', '--stack', STACK, '--orphans', '--state-id', lostAgain, '--yes']);
    expect(s.fake.resources()).toEqual([]);
    // forget: secure-api's tags come off a stack it then stops managing (issue 22).
    await ok(INIT);
    await ok(['forget', '--yes', '--stack', STACK]);
    expect(s.fake.denied, 'calls the generic policy refused').toEqual([]);

    const catalogue = callCatalogue();
    const policy = allowed(minimalPolicy());
    const used = new Set(s.fake.calls.map((c) => `${(IAM_PREFIX as Record<string, string>)[c.service] ?? c.service}:${c.command}`));
    expect(used.size).toBeGreaterThan(45);
    const unlisted = [...used].filter((c) => !catalogue.has(c));
    expect(unlisted, 'calls the list does not hold').toEqual([]);
    const denied = [...used].flatMap((c) => iamActionsFor(c).filter((a) => !policy.has(a)).map((a) => `${c} → ${a}`));
    expect(denied, 'calls the policy would deny').toEqual([]);
    figures.cases++;
  });
});

describe('secure-api policy', () => {
  it('prints the policy alone on stdout (ready for a file), with a note on stderr; no AWS call', async () => {
    s = scenario();
    const r = await s.run(['policy']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as PolicyDocument;
    expect(doc).toEqual(minimalPolicy());
    expect(r.stderr).toMatch(/aws iam create-policy --policy-name secure-api --policy-document file:\/\/secure-api-policy\.json/);
    expect(s.fake.calls).toEqual([]);
    figures.runs++;
    figures.cases++;
  });

  it('is least privilege: no wildcard action, roles only under /secure-api/, PassRole only to Lambda, only the execution policy attached', () => {
    const doc = minimalPolicy({ region: 'eu-west-1', account: '111122223333' });
    for (const st of doc.Statement) {
      for (const a of st.Action) expect(a, st.Sid).not.toMatch(/\*/);
      if (st.Resource === '*') expect(st.Action.every((a) => /^(sts:GetCallerIdentity|tag:GetResources|iam:ListRoles|lambda:ListFunctions|cognito-idp:(CreateUserPool|TagResource|ListUserPools|DescribeUserPoolDomain))$/.test(a)), st.Sid).toBe(true);
      // On "*" or without a tag condition: only what WIDE_GRANTS names with its reason (and the creates, with their request tags).
      if (st.Resource === '*' || !st.Condition) expect(WIDE_GRANTS.map((w) => w.sid).concat('CognitoCreatePool', 'CognitoSesServiceLinkedRole'), st.Sid).toContain(st.Sid);
    }
    // IAM writes: roles under /secure-api/ only (the reads also look up a name that is not a role yet: role/NAME).
    const iamWrites = doc.Statement.filter((st) => st.Sid !== 'IamReadRoles' && st.Action.some((a) => a.startsWith('iam:') && a !== 'iam:ListRoles' && a !== 'iam:CreateServiceLinkedRole'));
    for (const st of iamWrites) expect(st.Resource, st.Sid).toBe('arn:aws:iam::111122223333:role/secure-api/*');
    // SES email makes Cognito create its service-linked role with the caller's rights: that role only, for that service only.
    const slr = doc.Statement.find((st) => st.Action.includes('iam:CreateServiceLinkedRole'))!;
    expect(slr.Action).toEqual(['iam:CreateServiceLinkedRole']);
    expect(slr.Resource).toBe('arn:aws:iam::111122223333:role/aws-service-role/email.cognito-idp.amazonaws.com/AWSServiceRoleForAmazonCognitoIdpEmailService');
    expect(slr.Condition).toEqual({ StringEquals: { 'iam:AWSServiceName': 'email.cognito-idp.amazonaws.com' } });
    const pass = doc.Statement.find((st) => st.Action.includes('iam:PassRole'))!;
    expect(pass.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } });
    const attach = doc.Statement.find((st) => st.Action.includes('iam:AttachRolePolicy'))!;
    expect(attach.Action).toEqual(['iam:AttachRolePolicy']);
    expect(attach.Condition).toEqual({
      Null: { 'aws:ResourceTag/secure-api:stack': 'false' }, ArnEquals: { 'iam:PolicyARN': ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'] },
    });
    const api = doc.Statement.find((st) => st.Sid === 'ApiGatewayStackApis')!;
    expect(api.Resource).toEqual(['arn:aws:apigateway:eu-west-1::/restapis/*', 'arn:aws:apigateway:eu-west-1::/tags/*']);
    expect(api.Condition).toEqual({ Null: { 'aws:ResourceTag/secure-api:stack': 'false' } });
    // PATCH is what UpdateMethod / UpdateAuthorizer / UpdateRestApi need to change a live stack, on this API path only.
    expect(api.Action).toContain('apigateway:PATCH');
    expect(JSON.stringify(doc)).not.toMatch(/iam:PutRolePolicy|iam:CreatePolicy|AdministratorAccess/);
    figures.cases++;
  });

  it('--json says which call needs which action, for which command; a bad --account is refused', async () => {
    s = scenario();
    const r = await s.run(['policy', '--json', '--region', 'eu-west-1', '--account', '111122223333']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { policy: PolicyDocument; calls: Array<{ call: string; actions: string[]; usedBy: string[] }> };
    expect(doc.calls.find((c) => c.call === 'apigateway:CreateRestApi')).toEqual({ call: 'apigateway:CreateRestApi', actions: ['apigateway:POST'], usedBy: ['init'] });
    // init looks for the stack's tagged resources too (a lost state file) before it creates anything.
    expect(doc.calls.find((c) => c.call === 'tag:GetResources')?.usedBy).toEqual(['init', 'orphans']);
    expect(doc.calls.find((c) => c.call === 'cognito-idp:AdminCreateUser')?.usedBy).toEqual(['users', 'verify']);
    const bad = await s.run(['policy', '--account', '12345']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--account: "12345" is not a 12-digit AWS account id/);
    figures.runs += 2;
    figures.cases++;
  });
});
