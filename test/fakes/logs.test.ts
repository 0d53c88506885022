import {
  CloudWatchLogsClient, CreateLogGroupCommand, DeleteLogGroupCommand, DescribeLogGroupsCommand, FilterLogEventsCommand,
  ListTagsForResourceCommand, PutRetentionPolicyCommand, TagResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from './aws-fake.js';
import { RETENTION_DAYS, writeLogEvents } from './logs.js';

let fake: AwsFake;
let clock = 1_700_000_000_000;
const logs = new CloudWatchLogsClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' } });
const ARN = (name: string) => `arn:aws:logs:us-east-1:123456789012:log-group:${name}`;
const errName = (p: Promise<unknown>) => p.then(() => 'no error', (e: Error) => e.name);

beforeEach(() => {
  clock = 1_700_000_000_000;
  fake = installAwsFake({ clock: { now: () => clock } });
});
afterEach(() => fake.restore());

describe('CloudWatch Logs fake: rules of the CloudWatch Logs API reference', () => {
  it('CreateLogGroup: a name is 1-512 characters of [.-_/#A-Za-z0-9], unique per account and region (ResourceAlreadyExistsException)', async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/aws/lambda/fn' }));
    expect(await errName(logs.send(new CreateLogGroupCommand({ logGroupName: '/aws/lambda/fn' })))).toBe('ResourceAlreadyExistsException');
    for (const bad of ['', 'has space', 'a:b', 'x'.repeat(513), 'star*']) {
      expect(await errName(logs.send(new CreateLogGroupCommand({ logGroupName: bad })))).toBe('InvalidParameterException');
    }
    await logs.send(new CreateLogGroupCommand({ logGroupName: `a#b.c_d-e/${'x'.repeat(500)}` }));
  });

  it('CreateLogGroup: names starting with aws/ are reserved for AWS (terraform-provider-aws#429)', async () => {
    expect(await errName(logs.send(new CreateLogGroupCommand({ logGroupName: 'aws/lambda/fn' })))).toBe('InvalidParameterException');
    expect(await errName(logs.send(new CreateLogGroupCommand({ logGroupName: 'AWS/x' })))).toBe('InvalidParameterException');
  });

  it('a log group holds at most 50 tags (TagResource)', async () => {
    const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
    expect(await errName(logs.send(new CreateLogGroupCommand({ logGroupName: 'g', tags: tags(51) })))).toBe('InvalidParameterException');
    await logs.send(new CreateLogGroupCommand({ logGroupName: 'g', tags: tags(50) }));
    expect(await errName(logs.send(new TagResourceCommand({ resourceArn: ARN('g'), tags: { more: 'x' } })))).toBe('InvalidParameterException');
  });

  it('PutRetentionPolicy accepts only the documented retentionInDays values; a group without one never expires (no retentionInDays)', async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: 'g' }));
    expect((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: 'g' }))).logGroups?.[0]?.retentionInDays).toBeUndefined();
    for (const days of [0, 2, 4, 31, 366, 3654]) {
      expect(await errName(logs.send(new PutRetentionPolicyCommand({ logGroupName: 'g', retentionInDays: days })))).toBe('InvalidParameterException');
    }
    for (const days of RETENTION_DAYS) await logs.send(new PutRetentionPolicyCommand({ logGroupName: 'g', retentionInDays: days }));
    expect((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: 'g' }))).logGroups?.[0]?.retentionInDays).toBe(3653);
    expect(RETENTION_DAYS).toEqual([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]);
  });

  it('a call on a log group that does not exist is ResourceNotFoundException', async () => {
    for (const call of [
      new PutRetentionPolicyCommand({ logGroupName: 'none', retentionInDays: 7 }), new DeleteLogGroupCommand({ logGroupName: 'none' }),
      new FilterLogEventsCommand({ logGroupName: 'none' }), new ListTagsForResourceCommand({ resourceArn: ARN('none') }),
    ]) expect(await errName(logs.send(call as never))).toBe('ResourceNotFoundException');
  });

  it('DescribeLogGroups: by prefix, ASCII order, 50 a page with nextToken; arn ends in :*, logGroupArn does not', async () => {
    for (let i = 0; i < 60; i++) await logs.send(new CreateLogGroupCommand({ logGroupName: `/p/${String(59 - i).padStart(2, '0')}` }));
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/other' }));
    const first = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/p/' }));
    expect(first.logGroups).toHaveLength(50);
    expect(first.logGroups?.[0]).toMatchObject({ logGroupName: '/p/00', arn: `${ARN('/p/00')}:*`, logGroupArn: ARN('/p/00') });
    const second = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/p/', nextToken: first.nextToken }));
    expect(second.logGroups?.map((g) => g.logGroupName)).toEqual(Array.from({ length: 10 }, (_, i) => `/p/${50 + i}`));
    expect(second.nextToken).toBeUndefined();
    expect(await errName(logs.send(new DescribeLogGroupsCommand({ limit: 51 })))).toBe('InvalidParameterException');
  });

  it('the tagging calls take the log group ARN without the trailing :* (LogGroup.logGroupArn)', async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/aws/lambda/fn', tags: { team: 'a' } }));
    expect((await logs.send(new ListTagsForResourceCommand({ resourceArn: ARN('/aws/lambda/fn') }))).tags).toEqual({ team: 'a' });
    expect(await errName(logs.send(new ListTagsForResourceCommand({ resourceArn: `${ARN('/aws/lambda/fn')}:*` })))).toBe('InvalidParameterException');
    // Another account's or region's ARN names no group of this memory.
    expect(await errName(logs.send(new ListTagsForResourceCommand({ resourceArn: 'arn:aws:logs:us-east-1:999999999999:log-group:/aws/lambda/fn' })))).toBe('ResourceNotFoundException');
  });

  it('FilterLogEvents: events from startTime (ms) on, in timestamp order, at most limit a page with nextToken', async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: 'g' }));
    const s = fake.state;
    writeLogEvents(s, 'us-east-1', 'g', ['old'], clock - 60_000, 'st');
    writeLogEvents(s, 'us-east-1', 'g', ['a', 'b', 'c'], clock, 'st');
    const all = await logs.send(new FilterLogEventsCommand({ logGroupName: 'g', startTime: clock - 1000 }));
    expect(all.events?.map((e) => e.message)).toEqual(['a', 'b', 'c']);
    expect(all.nextToken).toBeUndefined();
    const p1 = await logs.send(new FilterLogEventsCommand({ logGroupName: 'g', limit: 2 }));
    expect(p1.events?.map((e) => e.message)).toEqual(['old', 'a']);
    const p2 = await logs.send(new FilterLogEventsCommand({ logGroupName: 'g', limit: 2, nextToken: p1.nextToken }));
    expect(p2.events?.map((e) => e.message)).toEqual(['b', 'c']);
    expect(await logs.send(new FilterLogEventsCommand({ logGroupName: 'g', endTime: clock - 1 }))).toMatchObject({ events: [{ message: 'old', logStreamName: 'st' }] });
    expect(await errName(logs.send(new FilterLogEventsCommand({ logGroupName: 'g', limit: 10_001 })))).toBe('InvalidParameterException');
  });

  it('Lambda makes its function\'s log group itself on a run when it is missing: no retention, no tags (aws/aws-cdk#667)', async () => {
    writeLogEvents(fake.state, 'us-east-1', '/aws/lambda/fn', ['START RequestId: x'], clock);
    const g = (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/fn' }))).logGroups?.[0];
    expect(g).toMatchObject({ logGroupName: '/aws/lambda/fn' });
    expect(g?.retentionInDays).toBeUndefined();
    expect((await logs.send(new ListTagsForResourceCommand({ resourceArn: ARN('/aws/lambda/fn') }))).tags).toEqual({});
    expect(fake.resources()).toContainEqual({ service: 'logs', type: 'log-group', id: '/aws/lambda/fn', name: '/aws/lambda/fn' });
  });

  it('the tagging API lists tagged log groups under logs:log-group', async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: 'mine', tags: { 'secure-api:stack': 's' } }));
    await logs.send(new CreateLogGroupCommand({ logGroupName: 'untagged' }));
    const tagging = new ResourceGroupsTaggingAPIClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' } });
    const found = await tagging.send(new GetResourcesCommand({ ResourceTypeFilters: ['logs:log-group'], TagFilters: [{ Key: 'secure-api:stack', Values: ['s'] }] }));
    expect(found.ResourceTagMappingList?.map((m) => m.ResourceARN)).toEqual([ARN('mine')]);
  });
});
