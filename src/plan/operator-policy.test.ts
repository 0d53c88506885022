import { describe, expect, it } from 'vitest';
import { policyScopeOf } from './operator-policy.js';

describe('policyScopeOf: what a stack\'s state names, each kind by its handler', () => {
  it('takes every list from the records (ids from out, else the spec), once each, sorted; unknown kinds name nothing', () => {
    const fnArn = 'arn:aws:lambda:us-east-1:123456789012:function:';
    const scope = policyScopeOf({
      stack: 'shop', stateId: 's1',
      nodes: {
        api: { kind: 'rest-api', out: { apiId: 'a1b2c3d4e5' } },
        theirs: { kind: 'existing-rest-api', out: {}, spec: { apiId: 'z9y8x7w6v5' } },
        pool: { kind: 'user-pool', out: { userPoolId: 'us-east-1_Ours' } },
        theirPool: { kind: 'existing-user-pool', out: { userPoolId: 'us-east-1_Theirs' } },
        fn: { kind: 'lambda-function', out: {}, spec: { functionName: 'shop-fn' } },
        role: { kind: 'iam-role', out: { roleName: 'shop-fn-role' } },
        logs: { kind: 'log-group', out: { logGroupName: '/aws/lambda/shop-fn' } },
        perm1: { kind: 'lambda-permission', out: {}, spec: { function: { arn: `${fnArn}payments` } } },
        perm2: { kind: 'lambda-permission', out: {}, spec: { function: { arn: `${fnArn}orders` } } },
        perm3: { kind: 'lambda-permission', out: {}, spec: { function: { node: 'fn' } } },
        later: { kind: 'a-kind-of-a-later-version', out: { apiId: 'nope' } },
      },
    });
    expect(scope).toEqual({
      stack: 'shop', stateId: 's1',
      apiIds: ['a1b2c3d4e5'], existingApiIds: ['z9y8x7w6v5'], userPoolIds: ['us-east-1_Ours'], existingUserPoolIds: ['us-east-1_Theirs'],
      functionNames: ['shop-fn'], roleNames: ['shop-fn-role'], logGroupNames: ['/aws/lambda/shop-fn'], targetFunctionNames: ['orders', 'payments'],
    });
  });

  it('a state made before state ids (legacy tags) is scoped by its stack tag only; empty lists are left out', () => {
    expect(policyScopeOf({ stack: 'old', stateId: 's0', legacyTags: true, nodes: {} })).toEqual({
      stack: 'old', stateId: undefined, apiIds: undefined, userPoolIds: undefined, functionNames: undefined, roleNames: undefined,
      logGroupNames: undefined, targetFunctionNames: undefined, existingApiIds: undefined, existingUserPoolIds: undefined,
    });
  });
});
