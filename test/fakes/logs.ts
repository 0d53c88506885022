/**
 * CloudWatch Logs, as far as secure-api calls it: log groups (create, retention, tags, delete, describe) and their
 * events (FilterLogEvents), plus `writeLogEvents`, through which the fake's Lambda writes what a function prints.
 * Rules, each from the CloudWatch Logs API reference (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/):
 * - CreateLogGroup: a name of 1 to 512 characters of `[\.\-_/#A-Za-z0-9]+` (InvalidParameterException); unique per
 *   account and region (ResourceAlreadyExistsException "The specified log group already exists"); names starting with
 *   "aws/" are AWS's ("Log groups starting with AWS/ are reserved for AWS.", hashicorp/terraform-provider-aws#429);
 *   at most 50 tags (TagResource: "You can associate as many as 50 tags with a CloudWatch Logs resource").
 * - PutRetentionPolicy: retentionInDays one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096,
 *   1827, 2192, 2557, 2922, 3288, 3653 (InvalidParameterException otherwise); a group without one never expires, and
 *   DescribeLogGroups then omits retentionInDays.
 * - Every call on a group that does not exist: ResourceNotFoundException "The specified log group does not exist."
 * - DescribeLogGroups: by logGroupNamePrefix, ASCII-sorted by name, at most 50 a page (limit 1-50), nextToken; each
 *   group's `arn` ends in `:*`, its `logGroupArn` does not (LogGroup data type).
 * - TagResource / UntagResource / ListTagsForResource take the ARN without the trailing `:*` (LogGroup.logGroupArn:
 *   "Use this version … in the resourceArn field in tagging APIs"); anything else is not a log group's ARN.
 * - FilterLogEvents: startTime / endTime in ms since the epoch (events before / after are not returned), events in
 *   timestamp order, at most `limit` (1-10000, default 10000) a page with a nextToken for the rest.
 * - Lambda makes `/aws/lambda/<function>` itself on a function's first run when it is missing (the execution role's
 *   logs:CreateLogGroup), with no retention and no tags (aws/aws-cdk#667: "Those Log Groups are implicitly created by
 *   the services upon first execution"; claranet/terraform-aws-lambda#38).
 */
import type {
  CreateLogGroupCommandInput, DeleteLogGroupCommandInput, DescribeLogGroupsCommandInput, DescribeLogGroupsCommandOutput,
  FilterLogEventsCommandInput, FilterLogEventsCommandOutput, ListTagsForResourceCommandInput, ListTagsForResourceCommandOutput,
  LogGroup, PutRetentionPolicyCommandInput, TagResourceCommandInput, UntagResourceCommandInput,
} from '@aws-sdk/client-cloudwatch-logs';
import { compact, page, randomString, regionOf, type Ctx, type Handlers, type Out } from './core.js';
import { awsError } from './errors.js';
import type { FakeState, LogGroupRecord } from './state.js';

/** PutRetentionPolicy's retentionInDays values. */
export const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
const NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;
const MAX_TAGS = 50;

function fail(name: string, message: string): never {
  throw awsError('logs', name, message);
}

/** The memory's log groups (a dump made before the fake had CloudWatch Logs has none yet). */
function groupsOf(s: FakeState): Record<string, LogGroupRecord> {
  s.logs ??= { groups: {} };
  return s.logs.groups;
}

const arnOf = (s: FakeState, region: string, name: string): string => `arn:aws:logs:${region}:${s.account}:log-group:${name}`;

function group(ctx: Ctx, name: string | undefined): LogGroupRecord {
  const g = groupsOf(ctx.state)[name ?? ''];
  if (!g) fail('ResourceNotFoundException', 'The specified log group does not exist.');
  return g;
}

/** The group a tagging call names by ARN: exactly `arn:…:log-group:NAME`, no trailing `:*`. */
function groupByArn(ctx: Ctx, arn: string | undefined): LogGroupRecord {
  const m = /^arn:aws[\w-]*:logs:([\w-]+):(\d{12}):log-group:([.\-_/#A-Za-z0-9]+)$/.exec(arn ?? '');
  if (!m) fail('InvalidParameterException', `Invalid resource ARN: ${arn ?? ''} is not the ARN of a log group (arn:aws:logs:REGION:ACCOUNT:log-group:NAME)`);
  if (m[1] !== regionOf(ctx) || m[2] !== ctx.state.account) fail('ResourceNotFoundException', 'The specified log group does not exist.');
  return group(ctx, m[3]);
}

function checkTags(tags: Record<string, string>): void {
  if (Object.keys(tags).length > MAX_TAGS) fail('InvalidParameterException', `A log group can have at most ${MAX_TAGS} tags.`);
}

/** A new group, as CreateLogGroup (or Lambda on a first run) makes it: no retention. */
function makeGroup(s: FakeState, region: string, name: string, now: number, tags: Record<string, string>): LogGroupRecord {
  const g: LogGroupRecord = { logGroupName: name, arn: arnOf(s, region, name), creationTime: now, tags: { ...tags }, events: [], nextEventId: 1 };
  groupsOf(s)[name] = g;
  return g;
}

function describe(g: LogGroupRecord): LogGroup {
  return compact({
    logGroupName: g.logGroupName, creationTime: g.creationTime, retentionInDays: g.retentionInDays,
    metricFilterCount: 0, arn: `${g.arn}:*`, logGroupArn: g.arn,
    storedBytes: g.events.reduce((n, e) => n + Buffer.byteLength(e.message), 0), logGroupClass: 'STANDARD' as const,
  });
}

/**
 * What the fake's Lambda does on an invocation: the lines a run prints, in the function's group (made if missing, as
 * Lambda makes it), in a stream of today's date and an instance id, each with the fake clock's time.
 */
export function writeLogEvents(s: FakeState, region: string, name: string, lines: string[], now: number, stream?: string): string {
  const g = groupsOf(s)[name] ?? makeGroup(s, region, name, now, {});
  const day = new Date(now).toISOString().slice(0, 10).replace(/-/g, '/');
  const logStreamName = stream ?? `${day}/[$LATEST]${randomString(s, 32, '0123456789abcdef')}`;
  for (const message of lines) {
    g.events.push({ timestamp: now, ingestionTime: now, message, logStreamName, eventId: String(g.nextEventId++).padStart(20, '0') });
  }
  return logStreamName;
}

export const logsHandlers: Handlers = {
  CreateLogGroup(ctx, input: CreateLogGroupCommandInput): object {
    const name = input.logGroupName ?? '';
    if (!NAME.test(name)) fail('InvalidParameterException', `1 validation error detected: Value '${name}' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+`);
    if (/^aws\//i.test(name)) fail('InvalidParameterException', 'Log groups starting with AWS/ are reserved for AWS.');
    if (groupsOf(ctx.state)[name]) fail('ResourceAlreadyExistsException', 'The specified log group already exists');
    checkTags(input.tags ?? {});
    makeGroup(ctx.state, regionOf(ctx), name, ctx.now(), input.tags ?? {});
    return {};
  },

  PutRetentionPolicy(ctx, input: PutRetentionPolicyCommandInput): object {
    const days = input.retentionInDays;
    if (days === undefined || !RETENTION_DAYS.includes(days)) {
      fail('InvalidParameterException', `1 validation error detected: Value '${String(days)}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`);
    }
    group(ctx, input.logGroupName).retentionInDays = days;
    return {};
  },

  DeleteRetentionPolicy(ctx, input: { logGroupName?: string }): object {
    delete group(ctx, input.logGroupName).retentionInDays;
    return {};
  },

  DeleteLogGroup(ctx, input: DeleteLogGroupCommandInput): object {
    const g = group(ctx, input.logGroupName);
    delete groupsOf(ctx.state)[g.logGroupName];
    return {};
  },

  DescribeLogGroups(ctx, input: DescribeLogGroupsCommandInput): Out<DescribeLogGroupsCommandOutput> {
    const prefix = input.logGroupNamePrefix ?? '';
    const all = Object.values(groupsOf(ctx.state)).filter((g) => g.logGroupName.startsWith(prefix))
      .sort((a, b) => (a.logGroupName < b.logGroupName ? -1 : a.logGroupName > b.logGroupName ? 1 : 0)).map(describe);
    const p = page(all, {
      token: input.nextToken, limit: input.limit, defaultLimit: 50, maxLimit: 50,
      invalid: (what) => fail('InvalidParameterException', what === 'token' ? 'The specified nextToken is invalid.' : 'Invalid limit: it must be between 1 and 50.'),
    });
    return compact({ logGroups: p.items, nextToken: p.next });
  },

  ListTagsForResource(ctx, input: ListTagsForResourceCommandInput): Out<ListTagsForResourceCommandOutput> {
    return { tags: { ...groupByArn(ctx, input.resourceArn).tags } };
  },

  TagResource(ctx, input: TagResourceCommandInput): object {
    const g = groupByArn(ctx, input.resourceArn);
    const next = { ...g.tags, ...input.tags };
    checkTags(next);
    g.tags = next;
    return {};
  },

  UntagResource(ctx, input: UntagResourceCommandInput): object {
    const g = groupByArn(ctx, input.resourceArn);
    for (const k of input.tagKeys ?? []) delete g.tags[k];
    return {};
  },

  FilterLogEvents(ctx, input: FilterLogEventsCommandInput): Out<FilterLogEventsCommandOutput> {
    const ref = input.logGroupIdentifier ?? input.logGroupName;
    const name = ref?.startsWith('arn:') ? ref.replace(/^arn:[^:]+:logs:[^:]+:\d+:log-group:/, '').replace(/:\*$/, '') : ref;
    const g = group(ctx, name);
    const from = input.startTime ?? 0;
    const to = input.endTime ?? Number.MAX_SAFE_INTEGER;
    const events = g.events.filter((e) => e.timestamp >= from && e.timestamp <= to)
      .sort((a, b) => a.timestamp - b.timestamp || a.eventId.localeCompare(b.eventId))
      .map((e) => ({ ...e }));
    const p = page(events, {
      token: input.nextToken, limit: input.limit, defaultLimit: 10_000, maxLimit: 10_000,
      invalid: (what) => fail('InvalidParameterException', what === 'token' ? 'The specified nextToken is invalid.' : 'Invalid limit: it must be between 1 and 10000.'),
    });
    return compact({ events: p.items, nextToken: p.next, searchedLogStreams: [] });
  },
};
