/**
 * Cognito's rules, as the strict fake enforces them (each names its source in test/fakes/cognito-*.ts), and how
 * secure-api honours each: refused up front with the fix named (exit 2, no AWS call), completed, or waited out.
 */
import {
  CognitoIdentityProviderClient, CreateIdentityProviderCommand, CreateUserPoolClientCommand, CreateUserPoolCommand,
  CreateUserPoolDomainCommand, DeleteUserPoolCommand, DeleteUserPoolDomainCommand, DescribeUserPoolCommand,
  DescribeUserPoolDomainCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { writeFileSync } from 'node:fs';
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
const cognito = () => new CognitoIdentityProviderClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'fake' } });
async function refusal(p: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return { name: (err as Error).name, message: (err as Error).message };
  }
  throw new Error('expected AWS to refuse the call');
}
const SNS_ROLE = 'arn:aws:iam::123456789012:role/cognito-sms';
const YES = ['init', '--yes', '--no-verify', '--stack', STACK, '--domain-prefix', 'demo-login'];

describe('phone_number in AutoVerifiedAttributes requires an SmsConfiguration', () => {
  it('the fake refuses it without an SNS role and takes it with one', async () => {
    fake = installAwsFake();
    const no = await refusal(cognito().send(new CreateUserPoolCommand({ PoolName: 'p', UsernameAttributes: ['phone_number'], AutoVerifiedAttributes: ['phone_number'] })));
    expect(no).toEqual({ name: 'InvalidParameterException', message: 'SMS configuration is required when phone_number is in AutoVerifiedAttributes.' });
    const ok = await cognito().send(new CreateUserPoolCommand({
      PoolName: 'p', UsernameAttributes: ['phone_number'], AutoVerifiedAttributes: ['phone_number'], SmsConfiguration: { SnsCallerArn: SNS_ROLE },
    }));
    expect(ok.UserPool?.AutoVerifiedAttributes).toEqual(['phone_number']);
  });

  it('--sign-in phone without an SMS role is refused before any call, naming --sms-role-arn; with one the stack is built and removed', async () => {
    s = scenario();
    const r = await s.run([...YES, '--sign-in', 'phone']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/phone sign-in needs Cognito to send SMS codes/);
    expect(r.stderr).toMatch(/--sms-role-arn ARN \(userPool\.mfa\.smsRoleArn/);
    expect(s.fake.calls).toEqual([]);
    const ok = await s.run([...YES, '--sign-in', 'phone', '--sms-role-arn', SNS_ROLE]);
    expect(ok.code, ok.stderr).toBe(0);
    const create = s.fake.calls.find((c) => c.command === 'CreateUserPool')?.input as { AutoVerifiedAttributes?: string[]; SmsConfiguration?: unknown };
    expect(create.AutoVerifiedAttributes).toContain('phone_number');
    expect(create.SmsConfiguration).toEqual({ SnsCallerArn: SNS_ROLE });
    await destroyAndExpectNothingLeft(s, 'phone sign-in');
  });
});

describe('a social identity provider is named exactly as its type', () => {
  it('the fake refuses "Provider X cannot be of type Google." and takes OIDC under any name', async () => {
    fake = installAwsFake();
    const pool = (await cognito().send(new CreateUserPoolCommand({ PoolName: 'p' }))).UserPool?.Id;
    const details = { client_id: 'c', client_secret: 's', authorize_scopes: 'openid' };
    expect(await refusal(cognito().send(new CreateIdentityProviderCommand({ UserPoolId: pool, ProviderName: 'MyGoogle', ProviderType: 'Google', ProviderDetails: details }))))
      .toEqual({ name: 'InvalidParameterException', message: 'Provider MyGoogle cannot be of type Google.' });
    await cognito().send(new CreateIdentityProviderCommand({ UserPoolId: pool, ProviderName: 'Google', ProviderType: 'Google', ProviderDetails: details }));
    await cognito().send(new CreateIdentityProviderCommand({
      UserPoolId: pool, ProviderName: 'Corp', ProviderType: 'OIDC', ProviderDetails: { ...details, oidc_issuer: 'https://id.example.com', attributes_request_method: 'GET' },
    }));
  });

  it('a Google IdP with its own name is refused up front, with the fix', async () => {
    s = scenario();
    const cfg = { userPool: { identityProviders: [{ type: 'Google', name: 'Gmail', clientId: 'x.apps.googleusercontent.com' }] } };
    writeFileSync(`${s.cwd}/stack.json`, JSON.stringify(cfg));
    const bad = await s.run([...YES, '--config', 'stack.json'], { env: { SECURE_API_IDP_GMAIL_SECRET: 'not-a-real-secret' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/identity provider "Gmail": Cognito names a Google provider "Google"/);
    expect(bad.stderr).toMatch(/set it to "Google"/);
    expect(s.fake.calls).toEqual([]);
  });
});

describe('ExplicitAuthFlows must include ALLOW_REFRESH_TOKEN_AUTH', () => {
  it('the fake refuses "REFRESH_TOKEN_AUTH should always be allowed."', async () => {
    fake = installAwsFake();
    const pool = (await cognito().send(new CreateUserPoolCommand({ PoolName: 'p' }))).UserPool?.Id;
    expect(await refusal(cognito().send(new CreateUserPoolClientCommand({ UserPoolId: pool, ClientName: 'c', ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH'] }))))
      .toEqual({ name: 'InvalidParameterException', message: 'REFRESH_TOKEN_AUTH should always be allowed.' });
  });

  it('appClient.authFlows without it is completed (as the CDK does), so the client is made', async () => {
    s = scenario();
    writeFileSync(`${s.cwd}/stack.json`, JSON.stringify({ appClient: { authFlows: ['ALLOW_USER_PASSWORD_AUTH'] } }));
    const r = await s.run([...YES, '--config', 'stack.json']);
    expect(r.code, r.stderr).toBe(0);
    const create = s.fake.calls.find((c) => c.command === 'CreateUserPoolClient')?.input as { ExplicitAuthFlows?: string[] };
    expect(create.ExplicitAuthFlows).toEqual(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
    await destroyAndExpectNothingLeft(s, 'completed auth flows');
  });
});

describe('deleting a user pool domain is asynchronous', () => {
  it('the fake keeps the domain DELETING for a while, and DeleteUserPool still says it has a domain', async () => {
    fake = installAwsFake({ domainDeletingDescribes: 2 });
    const pool = (await cognito().send(new CreateUserPoolCommand({ PoolName: 'p' }))).UserPool?.Id;
    await cognito().send(new CreateUserPoolDomainCommand({ UserPoolId: pool, Domain: 'my-login' }));
    await cognito().send(new DeleteUserPoolDomainCommand({ UserPoolId: pool, Domain: 'my-login' }));
    expect(await refusal(cognito().send(new DeleteUserPoolCommand({ UserPoolId: pool }))))
      .toEqual({ name: 'InvalidParameterException', message: 'User pool cannot be deleted. It has a domain configured that should be deleted first.' });
    expect((await cognito().send(new DescribeUserPoolDomainCommand({ Domain: 'my-login' }))).DomainDescription?.Status).toBe('DELETING');
    expect((await cognito().send(new DescribeUserPoolDomainCommand({ Domain: 'my-login' }))).DomainDescription?.Status).toBe('DELETING');
    expect((await cognito().send(new DescribeUserPoolDomainCommand({ Domain: 'my-login' }))).DomainDescription).toEqual({});
    await cognito().send(new DeleteUserPoolCommand({ UserPoolId: pool }));
  });

  it('destroy waits for the domain to go (with a note) before deleting the pool, also after a run killed in between', async () => {
    s = scenario({ domainDeletingDescribes: 3 });
    expect((await s.run(INIT)).code).toBe(0);
    const d = await s.run(['destroy', '--yes', '--stack', STACK]);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stderr).toMatch(/waiting for the hosted UI domain demo-login to finish deleting/);
    expect(s.fake.resources()).toEqual([]);
  });
});

describe('a new pool without UserPoolTier is ESSENTIALS; managed login needs more than LITE', () => {
  it('the fake defaults to ESSENTIALS and refuses ManagedLoginVersion 2 on a LITE pool', async () => {
    fake = installAwsFake();
    const plain = (await cognito().send(new CreateUserPoolCommand({ PoolName: 'p' }))).UserPool;
    expect(plain?.UserPoolTier).toBe('ESSENTIALS');
    const lite = (await cognito().send(new CreateUserPoolCommand({ PoolName: 'l', UserPoolTier: 'LITE' }))).UserPool?.Id;
    expect((await refusal(cognito().send(new CreateUserPoolDomainCommand({ UserPoolId: lite, Domain: 'lite-login', ManagedLoginVersion: 2 })))).name)
      .toBe('FeatureUnavailableInTierException');
    await cognito().send(new CreateUserPoolDomainCommand({ UserPoolId: lite, Domain: 'lite-login', ManagedLoginVersion: 1 }));
  });

  it('init makes a LITE pool with the classic hosted UI by default, says so in the plan, and --user-pool-tier chooses', async () => {
    s = scenario();
    const dry = await s.run([...YES, '--dry-run']);
    expect(dry.stdout).toMatch(/User pool plan LITE, the cheapest \(Cognito alone would make ESSENTIALS\)/);
    expect((await s.run(YES)).code).toBe(0);
    const poolId = s.state()?.nodes.pool?.out.userPoolId;
    expect((await cognito().send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool?.UserPoolTier).toBe('LITE');
    expect((await cognito().send(new DescribeUserPoolDomainCommand({ Domain: 'demo-login' }))).DomainDescription?.ManagedLoginVersion).toBe(1);
    await destroyAndExpectNothingLeft(s, 'LITE');
    const plus = await s.run([...YES, '--user-pool-tier', 'ESSENTIALS']);
    expect(plus.code, plus.stderr).toBe(0);
    const id = s.state()?.nodes.pool?.out.userPoolId;
    expect((await cognito().send(new DescribeUserPoolCommand({ UserPoolId: id }))).UserPool?.UserPoolTier).toBe('ESSENTIALS');
    await destroyAndExpectNothingLeft(s, 'ESSENTIALS');
  });
});

describe('CreateUserPool and CreateUserPoolClient are not idempotent', () => {
  it('after a 5xx whose call did land, init finds what was made instead of making a second one', async () => {
    s = scenario();
    s.fake.inject({ command: 'CreateUserPool', error: 'InternalErrorException', afterCall: true });
    s.fake.inject({ command: 'CreateUserPoolClient', error: 'InternalErrorException', afterCall: true });
    const r = await s.run(YES);
    expect(r.code, r.stderr).toBe(0);
    expect(s.fake.count('CreateUserPool')).toBe(1);
    expect(s.fake.count('CreateUserPoolClient')).toBe(1);
    expect(r.stderr).toMatch(/creating user pool demo-users failed on AWS's side; checking whether it was made/);
    s.expectExact();
    await destroyAndExpectNothingLeft(s, 'lost create answers');
  });

  it('after a 5xx that made nothing, the create is sent again', async () => {
    s = scenario();
    s.fake.inject({ command: 'CreateUserPool', error: 'InternalErrorException' });
    s.fake.inject({ command: 'CreateUserPoolClient', error: 'InternalErrorException' });
    expect((await s.run(YES)).code).toBe(0);
    expect(s.fake.count('CreateUserPool')).toBe(2);
    expect(s.fake.count('CreateUserPoolClient')).toBe(2);
    s.expectExact();
    await destroyAndExpectNothingLeft(s, 'failed creates');
  });
});
