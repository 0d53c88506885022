import {
  AdminAddUserToGroupCommand, AdminCreateUserCommand, AdminDeleteUserCommand, AdminInitiateAuthCommand, AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand, AdminSetUserPasswordCommand, CognitoIdentityProviderClient, CreateGroupCommand, CreateUserPoolClientCommand,
  CreateUserPoolCommand, DeleteGroupCommand, GetGroupCommand, UpdateGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from './aws-fake.js';
import { proxyClaims } from './data-plane.js';

let fake: AwsFake;
let poolId = '';
let clientId = '';
const cognito = () => new CognitoIdentityProviderClient({ region: 'us-east-1' });
const claimsOf = (jwt: string | undefined) => JSON.parse(Buffer.from((jwt ?? '').split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
async function caught(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail, it succeeded');
}
async function signIn(username: string): Promise<{ id: Record<string, unknown>; access: Record<string, unknown> }> {
  const r = await cognito().send(new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: 'Passw0rd!x' } }));
  return { id: claimsOf(r.AuthenticationResult?.IdToken), access: claimsOf(r.AuthenticationResult?.AccessToken) };
}

beforeEach(async () => {
  fake = installAwsFake();
  poolId = (await cognito().send(new CreateUserPoolCommand({ PoolName: 'p' }))).UserPool?.Id ?? '';
  clientId = (await cognito().send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'c', ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient?.ClientId ?? '';
  for (const u of ['alice', 'bob']) {
    await cognito().send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: u, MessageAction: 'SUPPRESS' }));
    await cognito().send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: u, Password: 'Passw0rd!x', Permanent: true }));
  }
});
afterEach(() => fake.restore());

describe('Cognito user pool groups (API_CreateGroup, API_GetGroup, API_AdminAddUserToGroup…)', () => {
  it('CreateGroup: a name unique in the pool (GroupExistsException), 1 to 128 characters without spaces (InvalidParameterException)', async () => {
    const g = await cognito().send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'admins', Description: 'd' }));
    expect(g.Group).toMatchObject({ GroupName: 'admins', UserPoolId: poolId, Description: 'd' });
    expect((await caught(cognito().send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'admins' })))).name).toBe('GroupExistsException');
    for (const bad of ['', 'two words', 'x'.repeat(129), 'tab\there']) {
      expect((await caught(cognito().send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: bad })))).name, bad).toBe('InvalidParameterException');
    }
    expect((await cognito().send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'é-ops.1_[x]' }))).Group?.GroupName).toBe('é-ops.1_[x]');
    expect((await caught(cognito().send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'long', Description: 'd'.repeat(2049) })))).name).toBe('InvalidParameterException');
    expect((await caught(cognito().send(new CreateGroupCommand({ UserPoolId: 'us-east-1_Nope', GroupName: 'x' })))).name).toBe('ResourceNotFoundException');
  });

  it('GetGroup / DeleteGroup / UpdateGroup of a group that is not there: ResourceNotFoundException; UpdateGroup resets what it is not given', async () => {
    for (const cmd of [new GetGroupCommand({ UserPoolId: poolId, GroupName: 'none' }), new DeleteGroupCommand({ UserPoolId: poolId, GroupName: 'none' }), new UpdateGroupCommand({ UserPoolId: poolId, GroupName: 'none' })]) {
      expect((await caught(cognito().send(cmd as never))).name).toBe('ResourceNotFoundException');
    }
    await cognito().send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'admins', Description: 'd', Precedence: 2 }));
    await cognito().send(new UpdateGroupCommand({ UserPoolId: poolId, GroupName: 'admins', Description: 'e' }));
    const g = (await cognito().send(new GetGroupCommand({ UserPoolId: poolId, GroupName: 'admins' }))).Group;
    expect(g?.Description).toBe('e');
    expect(g?.Precedence).toBeUndefined();
    await cognito().send(new DeleteGroupCommand({ UserPoolId: poolId, GroupName: 'admins' }));
    expect((await caught(cognito().send(new GetGroupCommand({ UserPoolId: poolId, GroupName: 'admins' })))).name).toBe('ResourceNotFoundException');
  });

  it('AdminAddUserToGroup: tokens issued afterwards carry cognito:groups (id and access); removal takes it off; an unknown user or group is refused', async () => {
    await cognito().send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'admins' }));
    await cognito().send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'ops', Precedence: 0 }));
    const before = await signIn('alice');
    expect(before.id['cognito:groups']).toBeUndefined();
    expect(before.access['cognito:groups']).toBeUndefined();
    await cognito().send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: 'alice', GroupName: 'admins' }));
    await cognito().send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: 'alice', GroupName: 'ops' }));
    await cognito().send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: 'alice', GroupName: 'ops' }));
    const after = await signIn('alice');
    // A JSON array in the token, by precedence.
    expect(after.id['cognito:groups']).toEqual(['ops', 'admins']);
    expect(after.access['cognito:groups']).toEqual(['ops', 'admins']);
    expect((await signIn('bob')).id['cognito:groups']).toBeUndefined();
    const listed = await cognito().send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: 'alice' }));
    expect(listed.Groups?.map((g) => g.GroupName)).toEqual(['ops', 'admins']);
    await cognito().send(new AdminRemoveUserFromGroupCommand({ UserPoolId: poolId, Username: 'alice', GroupName: 'ops' }));
    expect((await signIn('alice')).id['cognito:groups']).toEqual(['admins']);
    expect((await caught(cognito().send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: 'nobody', GroupName: 'admins' })))).name).toBe('UserNotFoundException');
    expect((await caught(cognito().send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: 'alice', GroupName: 'none' })))).name).toBe('ResourceNotFoundException');
  });

  it('a deleted user leaves its groups: a new user of the same name is in none', async () => {
    await cognito().send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'admins' }));
    await cognito().send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: 'bob', GroupName: 'admins' }));
    await cognito().send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: 'bob' }));
    await cognito().send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'bob', MessageAction: 'SUPPRESS' }));
    await cognito().send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'bob', Password: 'Passw0rd!x', Permanent: true }));
    expect((await signIn('bob')).id['cognito:groups']).toBeUndefined();
  });

  it('a REST API hands the claims to a Lambda proxy integration as strings, cognito:groups joined with commas', () => {
    expect(proxyClaims({ sub: 's', exp: 5, 'cognito:groups': ['ops', 'admins'] })).toEqual({ sub: 's', exp: '5', 'cognito:groups': 'ops,admins' });
  });
});
