import {
  AttachRolePolicyCommand, CreateRoleCommand, DeleteRoleCommand, DetachRolePolicyCommand, GetRoleCommand, IAMClient,
  ListAttachedRolePoliciesCommand, ListRoleTagsCommand, NoSuchEntityException, TagRoleCommand, UntagRoleCommand, UpdateRoleCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SpecByKind } from '../plan/specs.js';
import { LAMBDA_TRUST_POLICY, iamRoleHandler as h } from './iam-role.js';
import { TEST_STATE_ID, testCtx } from '../../test/support/resource-ctx.js';

const iam = mockClient(IAMClient);
const BASIC = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
const spec: SpecByKind['iam-role'] = { roleName: 'demo-fn-role', path: '/secure-api/', managedPolicyArns: [BASIC], description: 'role' };
const ARN = 'arn:aws:iam::123456789012:role/secure-api/demo-fn-role';
const role = (path: string) => ({ Role: { RoleName: spec.roleName, Path: path, Arn: ARN, RoleId: 'R', CreateDate: new Date() } });
const noSuchEntity = () => new NoSuchEntityException({ message: 'not found', $metadata: {} });

beforeEach(() => iam.reset());

describe('iam-role', () => {
  it('creates the role under /secure-api/ with the Lambda trust policy and tags, then attaches the basic policy', async () => {
    iam.on(CreateRoleCommand).resolves({ Role: role('/secure-api/').Role });
    const out = await h.create(testCtx(), { ...spec, tags: { team: 'api' } }, {});
    expect(out).toEqual({ roleName: 'demo-fn-role', roleArn: ARN });
    expect(iam).toHaveReceivedCommandWith(CreateRoleCommand, {
      RoleName: 'demo-fn-role', Path: '/secure-api/',
      Tags: [{ Key: 'team', Value: 'api' }, { Key: 'secure-api:stack', Value: 'demo' }, { Key: 'secure-api:state-id', Value: TEST_STATE_ID }],
    });
    const trust = JSON.parse(iam.commandCalls(CreateRoleCommand)[0]?.args[0].input.AssumeRolePolicyDocument ?? '{}') as unknown;
    expect(trust).toEqual(JSON.parse(LAMBDA_TRUST_POLICY));
    expect(JSON.stringify(trust)).toContain('lambda.amazonaws.com');
    expect(iam).toHaveReceivedCommandExactlyOnceWith(AttachRolePolicyCommand, { RoleName: 'demo-fn-role', PolicyArn: BASIC });
  });

  it('find adopts a role of our path and attaches a policy a crash left out', async () => {
    iam.on(GetRoleCommand).resolves(role('/secure-api/'));
    iam.on(ListRoleTagsCommand).resolves({ Tags: [{ Key: 'secure-api:stack', Value: 'demo' }, { Key: 'secure-api:state-id', Value: TEST_STATE_ID }] });
    iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
    expect(await h.find(testCtx(), spec, {})).toEqual({ roleName: 'demo-fn-role', roleArn: ARN });
    expect(iam).toHaveReceivedCommandWith(AttachRolePolicyCommand, { PolicyArn: BASIC });
  });

  it('find leaves alone a role of the same name on another path, and answers undefined when there is none', async () => {
    iam.on(GetRoleCommand).resolves(role('/'));
    expect(await h.find(testCtx(), spec, {})).toBeUndefined();
    iam.on(GetRoleCommand).rejects(noSuchEntity());
    expect(await h.find(testCtx(), spec, {})).toBeUndefined();
    expect(iam).not.toHaveReceivedCommand(AttachRolePolicyCommand);
  });

  it('find leaves alone a role of our path and stack made by another state (another person\'s stack of the same name)', async () => {
    iam.on(GetRoleCommand).resolves(role('/secure-api/'));
    iam.on(ListRoleTagsCommand).resolves({ Tags: [{ Key: 'secure-api:stack', Value: 'demo' }, { Key: 'secure-api:state-id', Value: 'someone-else' }] });
    expect(await h.find(testCtx(), spec, {})).toBeUndefined();
    iam.on(ListRoleTagsCommand).resolves({ Tags: [{ Key: 'secure-api:stack', Value: 'demo' }] });
    expect(await h.find(testCtx(), spec, {})).toBeUndefined();
    // A state migrated from version 1 made its role with the stack tag alone: that one is still its own.
    iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [{ PolicyArn: BASIC }] });
    expect(await h.find({ ...testCtx(), legacyTags: true }, spec, {})).toEqual({ roleName: 'demo-fn-role', roleArn: ARN });
    expect(iam).not.toHaveReceivedCommandWith(AttachRolePolicyCommand, { RoleName: 'other' });
  });

  it('read reports a policy other than the basic one as drift', async () => {
    iam.on(GetRoleCommand).resolves(role('/secure-api/'));
    iam.on(ListAttachedRolePoliciesCommand).resolves({
      AttachedPolicies: [{ PolicyArn: BASIC }, { PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }],
    });
    expect(await h.read(testCtx(), spec, { roleName: spec.roleName, roleArn: ARN }, {})).toEqual({
      state: 'drifted', drift: [{ path: 'managedPolicyArns', before: null, after: 'arn:aws:iam::aws:policy/AdministratorAccess' }], out: { roleName: spec.roleName, roleArn: ARN },
    });
    iam.on(GetRoleCommand).rejects(noSuchEntity());
    expect(await h.read(testCtx(), spec, { roleName: spec.roleName }, {})).toEqual({ state: 'missing' });
  });

  it('update changes the description, the policies and the user\'s tags in place, and only those that differ', async () => {
    iam.on(GetRoleCommand).resolves({ Role: { ...role('/secure-api/').Role, Description: 'old' } });
    iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [{ PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }] });
    iam.on(ListRoleTagsCommand).resolves({ Tags: [
      { Key: 'secure-api:stack', Value: 'demo' }, { Key: 'secure-api:state-id', Value: TEST_STATE_ID }, { Key: 'team', Value: 'a' }, { Key: 'env', Value: 'dev' },
      { Key: 'org:owner', Value: 'platform' },
    ] });
    const fields = [
      { path: 'tags.team', before: 'a', after: 'b', forcesReplace: false }, { path: 'tags.env', before: 'dev', after: null, forcesReplace: false },
    ];
    await h.update!(testCtx(), { ...spec, tags: { team: 'b' } }, { roleName: spec.roleName, roleArn: ARN }, {}, fields);
    expect(iam).toHaveReceivedCommandWith(UpdateRoleCommand, { RoleName: 'demo-fn-role', Description: 'role' });
    expect(iam).toHaveReceivedCommandWith(AttachRolePolicyCommand, { RoleName: 'demo-fn-role', PolicyArn: BASIC });
    expect(iam).toHaveReceivedCommandWith(DetachRolePolicyCommand, { RoleName: 'demo-fn-role', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
    expect(iam).toHaveReceivedCommandExactlyOnceWith(TagRoleCommand, { RoleName: 'demo-fn-role', Tags: [{ Key: 'team', Value: 'b' }] });
    // env was recorded and went; org:owner is someone else's and stays.
    expect(iam).toHaveReceivedCommandExactlyOnceWith(UntagRoleCommand, { RoleName: 'demo-fn-role', TagKeys: ['env'] });
  });

  it('update of a role as recorded sends nothing', async () => {
    iam.on(GetRoleCommand).resolves({ Role: { ...role('/secure-api/').Role, Description: 'role' } });
    iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [{ PolicyArn: BASIC }] });
    iam.on(ListRoleTagsCommand).resolves({ Tags: [{ Key: 'secure-api:stack', Value: 'demo' }, { Key: 'secure-api:state-id', Value: TEST_STATE_ID }] });
    await h.update!(testCtx(), spec, { roleName: spec.roleName, roleArn: ARN }, {}, []);
    expect(iam).not.toHaveReceivedCommand(UpdateRoleCommand);
    expect(iam).not.toHaveReceivedCommand(AttachRolePolicyCommand);
    expect(iam).not.toHaveReceivedCommand(DetachRolePolicyCommand);
    expect(iam).not.toHaveReceivedCommand(TagRoleCommand);
    expect(iam).not.toHaveReceivedCommand(UntagRoleCommand);
  });

  it('delete detaches every attached policy (following pages) before deleting the role', async () => {
    iam.on(ListAttachedRolePoliciesCommand)
      .resolvesOnce({ AttachedPolicies: [{ PolicyArn: BASIC }], IsTruncated: true, Marker: 'm1' })
      .resolvesOnce({ AttachedPolicies: [{ PolicyArn: 'arn:aws:iam::123456789012:policy/extra' }] });
    await h.delete(testCtx(), spec, { roleName: spec.roleName, roleArn: ARN }, {});
    expect(iam).toHaveReceivedCommandTimes(DetachRolePolicyCommand, 2);
    expect(iam).toHaveReceivedNthCommandWith(ListAttachedRolePoliciesCommand, 2, { Marker: 'm1' });
    expect(iam).toHaveReceivedCommandWith(DeleteRoleCommand, { RoleName: spec.roleName });
  });

  it('delete of a role that is gone is done', async () => {
    iam.on(ListAttachedRolePoliciesCommand).rejects(noSuchEntity());
    await expect(h.delete(testCtx(), spec, { roleName: spec.roleName }, {})).resolves.toBeUndefined();
    iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
    iam.on(DeleteRoleCommand).rejects(noSuchEntity());
    await expect(h.delete(testCtx(), spec, { roleName: spec.roleName }, {})).resolves.toBeUndefined();
  });
});
