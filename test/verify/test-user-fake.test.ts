/**
 * The test user verify creates, against the fake's Cognito (which refuses a user whose sign-in phone or email is
 * held, as Cognito does: UsernameExistsException "An account with the given phone_number already exists").
 */
import { AdminCreateUserCommand, CognitoIdentityProviderClient, CreateUserPoolClientCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STALE_TEST_USER_MS, createUser, describePool, randomTestPhone, tokenUserName, withTestUser, type TestUserEvent } from '../../src/verify/test-user.js';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';

let fake: AwsFake;
beforeEach(() => {
  fake = installAwsFake({ deleteRestApiWindowMs: 0 });
});
afterEach(() => fake.restore());

const cognito = () => new CognitoIdentityProviderClient({ region: 'us-east-1' });
async function phonePool(): Promise<string> {
  const out = await cognito().send(new CreateUserPoolCommand({ PoolName: 'p', UsernameAttributes: ['phone_number'] }));
  return out.UserPool!.Id!;
}
const created = () => fake.calls.filter((c) => c.command === 'AdminCreateUser').map((c) => (c.input as { Username: string }).Username);

describe('the test user', () => {
  it('draws fictional numbers (555-0100…0199) from many area codes, not one hundred numbers', () => {
    const drawn = new Set(Array.from({ length: 3_000 }, randomTestPhone));
    for (const n of drawn) expect(n).toMatch(/^\+1[2-9]\d{2}55501\d{2}$/);
    expect(drawn.size).toBeGreaterThan(600);
  });

  it('a drawn phone number already held (the kept token user, a user left behind): drawn again, and the user is made', async () => {
    const pool = await phonePool();
    const facts = await describePool(cognito(), pool);
    await cognito().send(new AdminCreateUserCommand({ UserPoolId: pool, Username: tokenUserName(facts), MessageAction: 'SUPPRESS' }));
    fake.inject({ command: 'AdminCreateUser', error: 'UsernameExistsException', message: 'An account with the given phone_number already exists.', times: 2 });
    const user = await createUser(cognito(), pool, facts, { password: 'Aa1!aaaa-fake' });
    const tries = created().slice(1);
    expect(tries).toHaveLength(3);
    expect(tries.at(-1)).toBe(user.signInName);
  });

  it('a name the caller gave that is held: refused at once, never replaced by another', async () => {
    const pool = await phonePool();
    const facts = await describePool(cognito(), pool);
    await cognito().send(new AdminCreateUserCommand({ UserPoolId: pool, Username: '+12125550123', MessageAction: 'SUPPRESS' }));
    await expect(createUser(cognito(), pool, facts, { signInName: '+12125550123', password: 'Aa1!aaaa-fake' })).rejects.toThrow(/UsernameExistsException/);
    expect(created()).toEqual(['+12125550123', '+12125550123']);
  });

  it('gives up after five held draws, with Cognito\'s error', async () => {
    const pool = await phonePool();
    const facts = await describePool(cognito(), pool);
    fake.inject({ command: 'AdminCreateUser', error: 'UsernameExistsException', times: 10 });
    await expect(createUser(cognito(), pool, facts, { password: 'Aa1!aaaa-fake' })).rejects.toThrow(/UsernameExistsException/);
    expect(created()).toHaveLength(5);
  });
});

describe('test users a killed run left (issue 25.7)', () => {
  it.each(['email', 'username'] as const)('the next run removes those older than half an hour (%s pool); a run going on elsewhere and --keep-user\'s stay', async (signIn) => {
    let now = Date.parse('2026-03-01T12:00:00Z');
    fake.restore();
    fake = installAwsFake({ clock: { now: () => now } });
    const pool = (await cognito().send(new CreateUserPoolCommand({ PoolName: 'p', ...(signIn === 'email' ? { UsernameAttributes: ['email'] } : {}) }))).UserPool!.Id!;
    const make = (name: string) => cognito().send(new AdminCreateUserCommand({ UserPoolId: pool, Username: name, MessageAction: 'SUPPRESS' }));
    const at = (s: string) => (signIn === 'email' ? `${s}@example.com` : s);
    await make(at('secure-api-test-killed'));
    await make(at('secure-api-kept-1234'));
    await make(at('alice'));
    now += STALE_TEST_USER_MS + 1;
    await make(at('secure-api-test-running'));
    const events: TestUserEvent[] = [];
    await withTestUser(cognito(), { userPoolId: pool, clientId: await adminClient(pool) }, async () => undefined, { onEvent: (e) => events.push(e), now: () => now });
    expect(events.filter((e) => e.type === 'stale-user-removed').map((e) => (e as { signInName: string }).signInName)).toEqual([at('secure-api-test-killed')]);
    const left = Object.values(fake.state.cognito.pools[pool]!.users).map((u) => (signIn === 'email' ? u.Attributes.find((a) => a.Name === 'email')?.Value : u.Username));
    expect(left.sort()).toEqual([at('alice'), at('secure-api-kept-1234'), at('secure-api-test-running')].sort());
  });

  it('--keep-user names its user with the kept prefix, which no later run removes', async () => {
    const pool = (await cognito().send(new CreateUserPoolCommand({ PoolName: 'p' }))).UserPool!.Id!;
    let kept = '';
    await withTestUser(cognito(), { userPoolId: pool, clientId: await adminClient(pool) }, async (s) => { kept = s.signInName; }, { keepUser: true });
    expect(kept).toMatch(/^secure-api-kept-[0-9a-f]{10}$/);
  });
});

async function adminClient(pool: string): Promise<string> {
  const out = await cognito().send(new CreateUserPoolClientCommand({ UserPoolId: pool, ClientName: 'c', ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }));
  return out.UserPoolClient!.ClientId!;
}
