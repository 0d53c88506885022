import { CreateRestApiCommand, APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CognitoIdentityProviderClient, CreateUserPoolCommand, CreateUserPoolDomainCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/resolve.js';
import { buildPlan } from '../plan/build.js';
import type { NodeRecord } from '../state/schema.js';
import { installAwsFake, type AwsFake } from '../../test/fakes/aws-fake.js';
import { TEST_STATE_ID, testCtx } from '../../test/support/resource-ctx.js';
import { findNameClashes, nameClashError } from './preflight.js';

let fake: AwsFake;
beforeEach(() => { fake = installAwsFake(); });
afterEach(() => fake.restore());

const plan = buildPlan(resolveConfig({ stack: 'demo', region: 'eu-west-1', hostedUi: { domainPrefix: 'demo-login' } }, { defaultRegion: 'eu-west-1', nameSuffix: 'abc123' }));
const apigateway = () => new APIGatewayClient({ region: 'eu-west-1' });
const cognito = () => new CognitoIdentityProviderClient({ region: 'eu-west-1' });
const OTHER = { 'secure-api:stack': 'demo', 'secure-api:state-id': 'another-state' };

describe('the name pre-flight (read calls only)', () => {
  it('an API of our name is a clash only when it carries this stack\'s tag and another state\'s id', async () => {
    await apigateway().send(new CreateRestApiCommand({ name: 'demo-api' }));
    expect(await findNameClashes(testCtx(), plan, {})).toEqual([]);
    await apigateway().send(new CreateRestApiCommand({ name: 'demo-api', tags: OTHER }));
    const clashes = await findNameClashes(testCtx(), plan, {});
    expect(clashes.map((c) => [c.node, c.owner])).toEqual([['api', 'secure-api:stack=demo, secure-api:state-id=another-state']]);
    expect(nameClashError('demo', clashes).hint).toContain('--api-name (api.name)');
    // When the search by tag found nothing, API and pool names cannot clash: not even looked at.
    expect(await findNameClashes(testCtx(), plan, {}, { noneTagged: true })).toEqual([]);
  });

  it('a hosted UI domain prefix on another state\'s pool is taken; on a pool of ours (a resume) it is not', async () => {
    const theirs = (await cognito().send(new CreateUserPoolCommand({ PoolName: 'x', UserPoolTags: OTHER }))).UserPool!.Id!;
    await cognito().send(new CreateUserPoolDomainCommand({ Domain: 'demo-login', UserPoolId: theirs }));
    const [clash] = await findNameClashes(testCtx(), plan, {}, { noneTagged: true });
    expect(clash).toMatchObject({ node: 'domain', name: 'demo-login', change: '--domain-prefix (hostedUi.domainPrefix)' });
    expect(clash?.owner).toContain(`user pool ${theirs}: secure-api:stack=demo, secure-api:state-id=another-state`);

    fake.restore();
    fake = installAwsFake();
    const ours = (await cognito().send(new CreateUserPoolCommand({ PoolName: 'demo-users', UserPoolTags: { 'secure-api:stack': 'demo', 'secure-api:state-id': TEST_STATE_ID } }))).UserPool!.Id!;
    await cognito().send(new CreateUserPoolDomainCommand({ Domain: 'demo-login', UserPoolId: ours }));
    expect(await findNameClashes(testCtx(), plan, {})).toEqual([]);
  });

  it('nodes the state records as created are not checked again', async () => {
    const created = Object.fromEntries(plan.nodes.map((n) => [n.id, { kind: n.kind, status: 'created', out: {}, label: '', deps: [], updatedAt: '' } satisfies NodeRecord]));
    expect(await findNameClashes(testCtx(), plan, created)).toEqual([]);
    expect(fake.calls).toEqual([]);
  });
});
