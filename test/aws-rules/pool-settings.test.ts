/**
 * The user pool's protective settings (issues 18.3 and 25.6): MFA, deletion protection and threat protection. Each
 * Cognito rule as the fake enforces it (sources in test/fakes/cognito-pools.ts), and how secure-api honours it: no
 * call ever lowers MFA, and an update never lowers what the pool has unless the configuration says so.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CognitoIdentityProviderClient, CreateUserPoolCommand, DeleteUserPoolCommand, DescribeUserPoolCommand, SetUserPoolMfaConfigCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterEach, describe, expect, it } from 'vitest';
import { liveUpdateInput } from '../../src/resources/user-pool-settings.js';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { destroyAndExpectNothingLeft, scenario, STACK, type Scenario } from '../reliability/support/scenario.js';

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

/** init with a configuration file (the stack named STACK), as a user changing their stack would. */
async function initWith(sc: Scenario, userPool: object, extra: string[] = []): Promise<void> {
  const file = join(sc.cwd, 'stack.json');
  writeFileSync(file, JSON.stringify({ stack: STACK, userPool, hostedUi: { domainPrefix: 'demo-login' } }));
  const r = await sc.run(['init', '--yes', '--no-verify', '--config', file, ...extra]);
  expect(r.code, r.stderr).toBe(0);
}
const poolId = (sc: Scenario) => sc.state()!.nodes.pool!.out.userPoolId!;
const livePool = async (sc: Scenario) => (await cognito().send(new DescribeUserPoolCommand({ UserPoolId: poolId(sc) }))).UserPool!;
/** The pool's MFA modes from the first time it was ON: MFA never dropped when none is OFF. */
const sinceOn = (sc: Scenario): string[] => {
  const timeline = sc.fake.state.cognito.pools[poolId(sc)]!.mfaTimeline ?? [];
  return timeline.slice(timeline.indexOf('ON'));
};

describe('UpdateUserPool and MFA', () => {
  it('UpdateUserPool refuses to require MFA of a pool that has no factor to require (cloudformation-coverage-roadmap#1176); with TOTP on, it accepts', async () => {
    fake = installAwsFake();
    const id = (await cognito().send(new CreateUserPoolCommand({ PoolName: 'p' }))).UserPool!.Id!;
    expect(await refusal(cognito().send(new UpdateUserPoolCommand({ UserPoolId: id, MfaConfiguration: 'ON' }))))
      .toEqual({ name: 'InvalidParameterException', message: 'Cannot turn MFA functionality ON, once the user pool has been created.' });
    await cognito().send(new SetUserPoolMfaConfigCommand({ UserPoolId: id, SoftwareTokenMfaConfiguration: { Enabled: true }, MfaConfiguration: 'ON' }));
    await cognito().send(new UpdateUserPoolCommand({ UserPoolId: id, MfaConfiguration: 'ON' }));
    expect(fake.state.cognito.pools[id]!.mfaTimeline).toEqual(['OFF', 'ON']);
  });

  it('UpdateUserPool not given MfaConfiguration turns MFA off: it resets what it is not given', async () => {
    fake = installAwsFake();
    const id = (await cognito().send(new CreateUserPoolCommand({ PoolName: 'p' }))).UserPool!.Id!;
    await cognito().send(new SetUserPoolMfaConfigCommand({ UserPoolId: id, SoftwareTokenMfaConfiguration: { Enabled: true }, MfaConfiguration: 'ON' }));
    await cognito().send(new UpdateUserPoolCommand({ UserPoolId: id }));
    expect(fake.state.cognito.pools[id]!.mfaTimeline).toEqual(['OFF', 'ON', 'OFF']);
  });

  it('a change to an MFA-required pool never lowers MFA, not even between two calls (issue 18.3)', async () => {
    s = scenario();
    await initWith(s, { mfa: { mode: 'ON', totp: true } });
    expect(sinceOn(s)).toEqual(['ON']);
    const before = s.fake.calls.length;
    await initWith(s, { mfa: { mode: 'ON', totp: true }, passwordPolicy: { minLength: 14 } });
    expect((await livePool(s)).Policies?.PasswordPolicy?.MinimumLength).toBe(14);
    expect(sinceOn(s)).toEqual(['ON']);
    // The order terraform-provider-aws uses: SetUserPoolMfaConfig, then UpdateUserPool carrying the same mode.
    const writes = s.fake.calls.slice(before).filter((c) => c.command === 'SetUserPoolMfaConfig' || c.command === 'UpdateUserPool');
    expect(writes.map((c) => `${c.command} ${String((c.input as { MfaConfiguration?: string }).MfaConfiguration)}`)).toEqual(['SetUserPoolMfaConfig ON', 'UpdateUserPool ON']);
    // A repair of drift on that pool too (init as recorded, the password policy weakened outside).
    const pool = await livePool(s);
    await cognito().send(new UpdateUserPoolCommand({ ...liveUpdateInput(pool), Policies: { PasswordPolicy: { MinimumLength: 6 } } }));
    expect((await s.run(['init', '--yes', '--no-verify', '--stack', STACK])).code).toBe(0);
    expect((await livePool(s)).Policies?.PasswordPolicy?.MinimumLength).toBe(14);
    expect(sinceOn(s)).toEqual(['ON']);
    await destroyAndExpectNothingLeft(s, 'MFA pool');
  });

  it('MFA raised by hand (OPTIONAL → ON) stays ON through a change; the configuration lowering it is obeyed', async () => {
    s = scenario();
    await initWith(s, { mfa: { mode: 'OPTIONAL', totp: true } });
    await cognito().send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId(s), SoftwareTokenMfaConfiguration: { Enabled: true }, MfaConfiguration: 'ON' }));
    const st = await s.run(['status', '--stack', STACK]);
    expect(st.code, st.stdout).toBe(0);
    await initWith(s, { mfa: { mode: 'OPTIONAL', totp: true }, passwordPolicy: { minLength: 14 } });
    expect((await livePool(s)).MfaConfiguration).toBe('ON');
    expect(sinceOn(s)).toEqual(['ON']);
    // The configuration itself says OFF now: that is a change the user asked for, shown by plan, and made.
    await initWith(s, { mfa: { mode: 'OFF', totp: true }, passwordPolicy: { minLength: 14 } });
    expect((await livePool(s)).MfaConfiguration).toBe('OFF');
  });
});

describe('raised by hand beyond what the configuration names (review r4 #6)', () => {
  it('MFA raised to ON by hand with SMS only (the configuration has no SMS role): a change keeps SMS, MFA never drops', async () => {
    s = scenario();
    await initWith(s, { mfa: { mode: 'OFF', totp: false } });
    const role = { SnsCallerArn: 'arn:aws:iam::123456789012:role/their-sms', ExternalId: 'x1' };
    const live = liveUpdateInput(await livePool(s));
    await cognito().send(new UpdateUserPoolCommand({ ...live, SmsConfiguration: role, AutoVerifiedAttributes: [...(live.AutoVerifiedAttributes ?? []), 'phone_number'] }));
    await cognito().send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId(s), SmsMfaConfiguration: { SmsConfiguration: role }, MfaConfiguration: 'ON' }));
    await initWith(s, { mfa: { mode: 'OFF', totp: false }, passwordPolicy: { minLength: 14 } });
    expect((await livePool(s)).Policies?.PasswordPolicy?.MinimumLength).toBe(14);
    expect(sinceOn(s)).toEqual(['ON']);
    expect((await livePool(s)).SmsConfiguration).toEqual(role);
  });

  it('a LITE pool raised by hand to PLUS with threat protection ENFORCED: a change keeps PLUS (Cognito refuses LITE + ENFORCED)', async () => {
    s = scenario();
    await initWith(s, { tier: 'LITE' });
    await cognito().send(new UpdateUserPoolCommand({ ...liveUpdateInput(await livePool(s)), UserPoolTier: 'PLUS', UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' } }));
    await initWith(s, { tier: 'LITE', passwordPolicy: { minLength: 14 } });
    const pool = await livePool(s);
    expect({ tier: pool.UserPoolTier, addOns: pool.UserPoolAddOns, min: pool.Policies?.PasswordPolicy?.MinimumLength })
      .toEqual({ tier: 'PLUS', addOns: { AdvancedSecurityMode: 'ENFORCED' }, min: 14 });
    await destroyAndExpectNothingLeft(s, 'hand-raised PLUS pool');
  });
});

describe('deletion protection', () => {
  it('DeleteUserPool refuses a pool whose deletion protection is ACTIVE (UpdateUserPool, DeletionProtection)', async () => {
    fake = installAwsFake();
    const id = (await cognito().send(new CreateUserPoolCommand({ PoolName: 'p', DeletionProtection: 'ACTIVE' }))).UserPool!.Id!;
    expect((await refusal(cognito().send(new DeleteUserPoolCommand({ UserPoolId: id })))).name).toBe('InvalidParameterException');
  });

  it('our pool is made ACTIVE; no change turns it off; destroy turns it off just before DeleteUserPool', async () => {
    s = scenario();
    await initWith(s, {});
    expect((await livePool(s)).DeletionProtection).toBe('ACTIVE');
    await initWith(s, { passwordPolicy: { minLength: 14 } });
    expect((await livePool(s)).DeletionProtection).toBe('ACTIVE');
    const before = s.fake.calls.length;
    await destroyAndExpectNothingLeft(s, 'protected pool');
    const names = s.fake.calls.slice(before).map((c) => c.command);
    const off = names.lastIndexOf('UpdateUserPool');
    expect(names[off + 1]).toBe('DeleteUserPool');
    expect((s.fake.calls[before + off]!.input as { DeletionProtection?: string; MfaConfiguration?: string }).DeletionProtection).toBe('INACTIVE');
  });

  it('configured off, a protection turned on by hand stays through a change (it is not drift); destroy still removes the pool', async () => {
    s = scenario();
    await initWith(s, { deletionProtection: false });
    expect((await livePool(s)).DeletionProtection).toBe('INACTIVE');
    await cognito().send(new UpdateUserPoolCommand({ ...liveUpdateInput(await livePool(s)), DeletionProtection: 'ACTIVE' }));
    expect((await s.run(['status', '--stack', STACK])).code).toBe(0);
    await initWith(s, { deletionProtection: false, passwordPolicy: { minLength: 14 } });
    expect((await livePool(s)).DeletionProtection).toBe('ACTIVE');
    await destroyAndExpectNothingLeft(s, 'protected by hand');
  });

  it('the configuration turning it off (true → false) is obeyed', async () => {
    s = scenario();
    await initWith(s, {});
    await initWith(s, { deletionProtection: false });
    expect((await livePool(s)).DeletionProtection).toBe('INACTIVE');
  });
});

describe('threat protection (UserPoolAddOns), a Plus feature', () => {
  it('Cognito refuses threat protection below the Plus plan (FeatureUnavailableInTierException, UserPoolAddOnsType)', async () => {
    fake = installAwsFake();
    const refused = await refusal(cognito().send(new CreateUserPoolCommand({ PoolName: 'p', UserPoolTier: 'ESSENTIALS', UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' } })));
    expect(refused.name).toBe('FeatureUnavailableInTierException');
    const ok = await cognito().send(new CreateUserPoolCommand({ PoolName: 'p', UserPoolTier: 'PLUS', UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' } }));
    expect(ok.UserPool?.UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
  });

  it('asked for on LITE: exit 2 naming the plan, before any AWS call', async () => {
    s = scenario();
    const file = join(s.cwd, 'stack.json');
    writeFileSync(file, JSON.stringify({ stack: STACK, userPool: { threatProtection: 'AUDIT' } }));
    const r = await s.run(['init', '--yes', '--no-verify', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('threat protection AUDIT needs the PLUS feature plan');
    expect(s.fake.calls).toEqual([]);
  });

  it('PLUS: ENFORCED by default; raised by hand (AUDIT → ENFORCED) it stays; no threat protection on LITE', async () => {
    s = scenario();
    await initWith(s, { tier: 'PLUS' });
    expect((await livePool(s)).UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
    await initWith(s, { tier: 'PLUS', threatProtection: 'AUDIT' });
    expect((await livePool(s)).UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'AUDIT' });
    await cognito().send(new UpdateUserPoolCommand({ ...liveUpdateInput(await livePool(s)), UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' } }));
    await initWith(s, { tier: 'PLUS', threatProtection: 'AUDIT', passwordPolicy: { minLength: 14 } });
    expect((await livePool(s)).UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
    await destroyAndExpectNothingLeft(s, 'PLUS pool');
  });
});

describe('SMS as the second factor', () => {
  it('a pool requiring SMS MFA (no TOTP) reads back as configured: status is clean, a change keeps MFA ON', async () => {
    s = scenario();
    const sms = { mfa: { mode: 'ON', totp: false, sms: true, smsRoleArn: 'arn:aws:iam::123456789012:role/cognito-sms' } };
    await initWith(s, sms);
    const st = await s.run(['status', '--stack', STACK]);
    expect(st.code, st.stdout).toBe(0);
    await initWith(s, { ...sms, passwordPolicy: { minLength: 14 } });
    expect(sinceOn(s)).toEqual(['ON']);
  });
});
