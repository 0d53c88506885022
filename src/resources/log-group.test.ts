import {
  CloudWatchLogsClient, CreateLogGroupCommand, DeleteRetentionPolicyCommand, DescribeLogGroupsCommand, ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from '../../test/fakes/aws-fake.js';
import { writeLogEvents } from '../../test/fakes/logs.js';
import { TEST_STATE_ID, testCtx } from '../../test/support/resource-ctx.js';
import type { SpecByKind } from '../plan/specs.js';
import { logGroupHandler as h } from './log-group.js';

const NAME = '/aws/lambda/demo-fn';
const ARN = `arn:aws:logs:eu-west-1:123456789012:log-group:${NAME}`;
const spec: SpecByKind['log-group'] = { logGroupName: NAME, retentionInDays: 30, createdByService: 'lambda' };
const OURS = { 'secure-api:stack': 'demo', 'secure-api:state-id': TEST_STATE_ID };
const direct = new CloudWatchLogsClient({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' } });
const live = async () => (await direct.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: NAME }))).logGroups?.find((g) => g.logGroupName === NAME);
const liveTags = async () => (await direct.send(new ListTagsForResourceCommand({ resourceArn: ARN }))).tags;

let fake: AwsFake;
beforeEach(() => { fake = installAwsFake({ region: 'eu-west-1' }); });
afterEach(() => fake.restore());

describe('log-group', () => {
  it('creates the group with our tags and the user\'s, and the retention', async () => {
    const out = await h.create(testCtx(), { ...spec, tags: { team: 'api' } }, {});
    expect(out).toEqual({ logGroupName: NAME, logGroupArn: ARN });
    expect((await live())?.retentionInDays).toBe(30);
    expect(await liveTags()).toEqual({ team: 'api', ...OURS });
    expect(await h.read(testCtx(), spec, out, {})).toEqual({ state: 'present', out });
  });

  it('adopts the group Lambda made for our function before the stack had one (untagged): tags it and sets the retention', async () => {
    writeLogEvents(fake.state, 'eu-west-1', NAME, ['START RequestId: r'], Date.now());
    const out = await h.create(testCtx(), spec, {});
    expect(out).toEqual({ logGroupName: NAME, logGroupArn: ARN });
    expect(await liveTags()).toEqual(OURS);
    expect((await live())?.retentionInDays).toBe(30);
  });

  it('never takes a group that exists with someone else\'s tags, nor an untagged one it is not the service\'s (access logs)', async () => {
    await direct.send(new CreateLogGroupCommand({ logGroupName: NAME, tags: { 'secure-api:stack': 'demo', 'secure-api:state-id': 'another-state' } }));
    await expect(h.create(testCtx(), spec, {})).rejects.toMatchObject({ name: 'ResourceAlreadyExistsException' });
    expect(await h.find(testCtx(), spec, {})).toBeUndefined();
    expect((await live())?.retentionInDays).toBeUndefined();
    await direct.send(new CreateLogGroupCommand({ logGroupName: 'someone-else' }));
    await expect(h.create(testCtx(), { logGroupName: 'someone-else', retentionInDays: 7 }, {})).rejects.toMatchObject({ name: 'ResourceAlreadyExistsException' });
    expect(await direct.send(new ListTagsForResourceCommand({ resourceArn: ARN.replace(NAME, 'someone-else') }))).toMatchObject({ tags: {} });
  });

  it('find adopts ours and finishes a create killed before its retention', async () => {
    await direct.send(new CreateLogGroupCommand({ logGroupName: NAME, tags: OURS }));
    expect(await h.find(testCtx(), spec, {})).toEqual({ logGroupName: NAME, logGroupArn: ARN });
    expect((await live())?.retentionInDays).toBe(30);
    expect(await h.find(testCtx(), { ...spec, logGroupName: '/aws/lambda/none' }, {})).toBeUndefined();
  });

  it('a retention changed or removed by hand is drift on retentionInDays, and update puts it back', async () => {
    const ctx = testCtx();
    const out = await h.create(ctx, spec, {});
    await direct.send(new PutRetentionPolicyCommand({ logGroupName: NAME, retentionInDays: 3653 }));
    expect(await h.read(ctx, spec, out, {})).toEqual({ state: 'drifted', out, drift: [{ path: 'retentionInDays', before: 30, after: 3653 }] });
    await direct.send(new DeleteRetentionPolicyCommand({ logGroupName: NAME }));
    expect(await h.read(ctx, spec, out, {})).toEqual({ state: 'drifted', out, drift: [{ path: 'retentionInDays', before: 30, after: null }] });
    await h.update!(ctx, spec, out, {}, []);
    expect(await h.read(ctx, spec, out, {})).toEqual({ state: 'present', out });
  });

  it('a user tag removed by hand is drift; a tag change is made in place', async () => {
    const ctx = testCtx();
    const out = await h.create(ctx, { ...spec, tags: { team: 'api' } }, {});
    await h.update!(ctx, { ...spec, tags: { team: 'web' } }, out, {}, [{ path: 'tags.team', before: 'api', after: 'web', forcesReplace: false }]);
    expect(await liveTags()).toEqual({ team: 'web', ...OURS });
    await h.update!(ctx, spec, out, {}, [{ path: 'tags.team', before: 'web', after: null, forcesReplace: false }]);
    expect(await liveTags()).toEqual(OURS);
    expect(await h.read(ctx, { ...spec, tags: { team: 'web' } }, out, {})).toMatchObject({ state: 'drifted', drift: [{ path: 'tags.team', before: 'web', after: null }] });
  });

  it('read of a deleted group is missing; delete is idempotent; tags() of a gone group is undefined', async () => {
    const ctx = testCtx();
    const out = await h.create(ctx, spec, {});
    expect(await h.tags!(ctx, out, spec)).toEqual(OURS);
    await h.delete(ctx, spec, out, {});
    await h.delete(ctx, spec, out, {});
    expect(await h.read(ctx, spec, out, {})).toEqual({ state: 'missing' });
    expect(await h.tags!(ctx, out, spec)).toBeUndefined();
    expect(fake.resources()).toEqual([]);
  });

  it('release takes our tags off and leaves the user\'s', async () => {
    const ctx = testCtx();
    const out = await h.create(ctx, { ...spec, tags: { team: 'api' } }, {});
    await h.release!(ctx, spec, out);
    expect(await liveTags()).toEqual({ team: 'api' });
  });

  it('unmatched: a recorded ARN or name that is not the spec\'s group', () => {
    expect(h.unmatched!(spec, { logGroupName: NAME, logGroupArn: ARN }, {})).toBeUndefined();
    expect(h.unmatched!(spec, { logGroupName: NAME, logGroupArn: ARN.replace('demo-fn', 'other') }, {})).toMatch(/does not name/);
    expect(h.unmatched!(spec, { logGroupName: '/aws/lambda/other' }, {})).toMatch(/is not/);
  });
});
