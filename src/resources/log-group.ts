/**
 * A CloudWatch Logs log group of ours, with a retention (issue 25.7). Lambda writes a function's output to
 * `/aws/lambda/<name>` and makes that group itself on the first run, kept forever; secure-api makes it first, with the
 * retention the configuration asks (and its tags), and deletes it with the stack.
 * - DescribeLogGroups answers `arn` with a trailing `:*` and `logGroupArn` without; the tagging calls take the ARN
 *   without (CloudWatch Logs API reference, LogGroup: "logGroupArn … In the resourceArn field in tagging APIs").
 * - A group that exists already: ours (both tags) is adopted; one Lambda made for our own function before the group was
 *   part of the stack (untagged, `createdByService`) is tagged and adopted; anything else is someone else's.
 */
import {
  CreateLogGroupCommand, DeleteLogGroupCommand, DescribeLogGroupsCommand, ListTagsForResourceCommand, PutRetentionPolicyCommand,
  TagResourceCommand, UntagResourceCommand, type LogGroup,
} from '@aws-sdk/client-cloudwatch-logs';
import { awsErrorName } from '../aws/errors.js';
import { sometimes } from './declared-calls.js';
import type { DriftChange, FieldChange } from '../plan/changes.js';
import type { SpecByKind } from '../plan/specs.js';
import { ignoreNotFound, isOurs, tagMap, undefinedIfNotFound } from './refs.js';
import { OWN_TAG_KEYS } from './release.js';
import { tagChange, tagDrift, wantedTags } from './tags.js';
import type { Ctx, Out, ResourceHandler } from './types.js';

type Spec = SpecByKind['log-group'];

/** The ARN the tagging calls and IAM's tagging actions take: no trailing `:*`. */
export const logGroupArn = (ctx: Pick<Ctx, 'partition' | 'region' | 'account'>, name: string): string =>
  `arn:${ctx.partition}:logs:${ctx.region}:${ctx.account}:log-group:${name}`;

/** The group of this exact name (DescribeLogGroups matches a prefix: every page, until the name sorts past it). */
export async function describeLogGroup(ctx: Pick<Ctx, 'clients'>, name: string): Promise<LogGroup | undefined> {
  let nextToken: string | undefined;
  do {
    const page = await ctx.clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name, nextToken }));
    const hit = (page.logGroups ?? []).find((g) => g.logGroupName === name);
    if (hit) return hit;
    nextToken = page.nextToken;
  } while (nextToken);
  return undefined;
}

const groupTags = async (ctx: Ctx, name: string): Promise<Record<string, string> | undefined> =>
  (await undefinedIfNotFound(ctx.clients.logs.send(new ListTagsForResourceCommand({ resourceArn: logGroupArn(ctx, name) }))))?.tags;

const toOut = (ctx: Ctx, name: string): Out => ({ logGroupName: name, logGroupArn: logGroupArn(ctx, name) });

async function putRetention(ctx: Ctx, name: string, days: number): Promise<void> {
  await ctx.clients.logs.send(new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: days }));
}

/** The group as the spec describes it: its retention (null: never expire) and the user's tags. */
async function observe(ctx: Ctx, spec: Spec, group: LogGroup): Promise<DriftChange[]> {
  const name = group.logGroupName ?? spec.logGroupName;
  const live = group.retentionInDays ?? null;
  return [
    ...(live !== spec.retentionInDays ? [{ path: 'retentionInDays', before: spec.retentionInDays, after: live }] : []),
    ...(spec.tags ? tagDrift(spec.tags, await groupTags(ctx, name)) : []),
  ];
}

async function updateGroup(ctx: Ctx, want: Spec, out: Out, fields: FieldChange[]): Promise<Out> {
  const name = out.logGroupName ?? want.logGroupName;
  const group = await describeLogGroup(ctx, name);
  if (group?.retentionInDays !== want.retentionInDays) await putRetention(ctx, name, want.retentionInDays);
  const tags = tagChange(ctx, want.tags, await groupTags(ctx, name), fields);
  const resourceArn = logGroupArn(ctx, name);
  if (Object.keys(tags.set).length) await ctx.clients.logs.send(new TagResourceCommand({ resourceArn, tags: tags.set }));
  if (tags.remove.length) await ctx.clients.logs.send(new UntagResourceCommand({ resourceArn, tagKeys: tags.remove }));
  return toOut(ctx, name);
}

/** A group already there when we create: ours, or the one Lambda made for our function; else undefined (not ours). */
async function adoptable(ctx: Ctx, spec: Spec): Promise<Out | undefined> {
  const tags = await groupTags(ctx, spec.logGroupName);
  if (tags === undefined) return undefined;
  if (isOurs(ctx, tags)) return toOut(ctx, spec.logGroupName);
  const untagged = Object.keys(tagMap(tags)).every((k) => !OWN_TAG_KEYS.includes(k));
  if (spec.createdByService !== 'lambda' || !untagged) return undefined;
  await ctx.clients.logs.send(new TagResourceCommand({ resourceArn: logGroupArn(ctx, spec.logGroupName), tags: wantedTags(ctx, spec.tags) }));
  return toOut(ctx, spec.logGroupName);
}

export const logGroupHandler: ResourceHandler<Spec> = {
  kind: 'log-group',
  calls: {
    create: [
      'logs:CreateLogGroup', sometimes('logs:ListTagsForResource', 'the group exists already (Lambda made it, or a lost answer)'),
      sometimes('logs:TagResource', 'the group Lambda made for our function is taken in'), 'logs:PutRetentionPolicy',
    ],
    find: ['logs:ListTagsForResource', sometimes('logs:DescribeLogGroups', 'the group is ours'), sometimes('logs:PutRetentionPolicy', 'a run stopped before its retention')],
    read: ['logs:DescribeLogGroups', sometimes('logs:ListTagsForResource', 'the configuration has user tags')],
    tags: ['logs:ListTagsForResource'],
    update: [
      'logs:DescribeLogGroups', sometimes('logs:PutRetentionPolicy', 'the retention differs'), 'logs:ListTagsForResource',
      sometimes('logs:TagResource', 'a tag is missing or differs'), sometimes('logs:UntagResource', 'a user tag was dropped'),
    ],
    delete: ['logs:DeleteLogGroup'],
    release: ['logs:UntagResource'],
  },
  policyNames: (spec, out) => ({ logGroupNames: out.logGroupName ?? spec?.logGroupName }),
  service: 'logs',
  immutable: ['logGroupName'],
  update: (ctx, want, out, _deps, fields) => updateGroup(ctx, want, out, fields),
  release: async (ctx, _spec, out) => {
    if (out.logGroupName) await ignoreNotFound(ctx.clients.logs.send(new UntagResourceCommand({ resourceArn: logGroupArn(ctx, out.logGroupName), tagKeys: OWN_TAG_KEYS })));
  },

  async create(ctx, spec) {
    try {
      await ctx.clients.logs.send(new CreateLogGroupCommand({ logGroupName: spec.logGroupName, tags: wantedTags(ctx, spec.tags) }));
    } catch (err) {
      // CreateLogGroup: ResourceAlreadyExistsException ("The specified log group already exists").
      if (awsErrorName(err) !== 'ResourceAlreadyExistsException') throw err;
      const out = await adoptable(ctx, spec);
      if (!out) throw err;
    }
    await putRetention(ctx, spec.logGroupName, spec.retentionInDays);
    return toOut(ctx, spec.logGroupName);
  },

  async find(ctx, spec) {
    const tags = await groupTags(ctx, spec.logGroupName);
    if (!tags || !isOurs(ctx, tags)) return undefined;
    // A run killed between CreateLogGroup and PutRetentionPolicy: finish the job.
    const group = await describeLogGroup(ctx, spec.logGroupName);
    if (group && group.retentionInDays !== spec.retentionInDays) await putRetention(ctx, spec.logGroupName, spec.retentionInDays);
    return toOut(ctx, spec.logGroupName);
  },

  // By the very name delete and update use: the ARN is built from it, never taken from the state.
  async tags(ctx, out, spec) {
    const name = out.logGroupName ?? spec?.logGroupName;
    return name ? groupTags(ctx, name) : undefined;
  },

  unmatched(spec, out) {
    const name = out.logGroupName ?? spec?.logGroupName;
    if (out.logGroupArn && name && !out.logGroupArn.endsWith(`:log-group:${name}`)) return `the recorded ARN ${out.logGroupArn} does not name log group ${name}`;
    if (spec && out.logGroupName && out.logGroupName !== spec.logGroupName) return `the recorded log group ${out.logGroupName} is not ${spec.logGroupName}`;
    return undefined;
  },

  async read(ctx, spec, out) {
    const group = await describeLogGroup(ctx, out.logGroupName ?? spec.logGroupName);
    if (!group) return { state: 'missing' };
    const drift = await observe(ctx, spec, group);
    return drift.length > 0 ? { state: 'drifted', drift, out } : { state: 'present', out };
  },

  async delete(ctx, spec, out) {
    await ignoreNotFound(ctx.clients.logs.send(new DeleteLogGroupCommand({ logGroupName: out.logGroupName ?? spec?.logGroupName })));
  },
  // destroy --orphans: the group goes after the found functions (lambda-function's fromFound names it).
  fromFound: (found, _all) => ({ out: { logGroupName: found.id }, before: [] }),
};
