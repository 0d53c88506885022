/**
 * The test user verify creates, against the fake's Cognito (which refuses a user whose sign-in phone or email is
 * held, as Cognito does: UsernameExistsException "An account with the given phone_number already exists").
 */
import { AdminCreateUserCommand, CognitoIdentityProviderClient, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUser, describePool, randomTestPhone, tokenUserName } from '../../src/verify/test-user.js';
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
