/**
 * The stack's function's log events (issue 21, `secure-api logs`): FilterLogEvents on its log group, every page, newest
 * last; and a follow loop that polls for what is new. CloudWatch Logs API reference, FilterLogEvents: startTime and
 * endTime are ms since the epoch; a page holds up to 10,000 events (1 MB) and a nextToken when there are more, and
 * may be empty while a nextToken still follows.
 */
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { AwsClients } from '../aws/clients.js';
import { isNotFound } from '../aws/errors.js';
import { UsageError } from '../errors.js';

export interface LogEvent {
  /** ms since the epoch, when the function logged it. */
  timestamp: number;
  message: string;
  stream: string;
  id: string;
}

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `--since 10m`: a duration back from now (s, m, h, d). Bad input is exit 2, before any AWS call. */
export function parseSince(text: string): number {
  const m = /^(\d{1,6})(s|m|h|d)$/.exec(text.trim());
  const n = m ? Number(m[1]) : 0;
  if (!m || n < 1) throw new UsageError(`--since "${text}" is not a duration: give a number and a unit, like 30s, 10m, 2h or 7d`);
  return n * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

/** Every event of the group from `startTime` on, oldest first; 'no-group' when the group does not exist (yet). */
export async function readEvents(clients: Pick<AwsClients, 'logs'>, logGroupName: string, startTime: number, signal?: AbortSignal): Promise<LogEvent[] | 'no-group'> {
  const events: LogEvent[] = [];
  let nextToken: string | undefined;
  do {
    let page;
    try {
      page = await clients.logs.send(new FilterLogEventsCommand({ logGroupName, startTime, nextToken }));
    } catch (err) {
      if (isNotFound(err)) return 'no-group';
      throw err;
    }
    for (const e of page.events ?? []) {
      events.push({ timestamp: e.timestamp ?? 0, message: (e.message ?? '').replace(/\n$/, ''), stream: e.logStreamName ?? '', id: e.eventId ?? '' });
    }
    nextToken = page.nextToken;
  } while (nextToken && !signal?.aborted);
  return events.sort((a, b) => a.timestamp - b.timestamp);
}

/** The follow loop's interval: CloudWatch Logs allows FilterLogEvents a few calls a second per account; once in 2 s is plenty. */
export const FOLLOW_INTERVAL_MS = 2000;

/**
 * Print what is new every `intervalMs` (at least 1 s) until `signal` aborts (Ctrl-C): each event once, by its id, from
 * the newest timestamp seen on (events of the same millisecond may arrive in two polls).
 */
export async function followEvents(
  clients: Pick<AwsClients, 'logs'>, logGroupName: string, from: number,
  o: { sleep: (ms: number) => Promise<void>; signal: AbortSignal; intervalMs?: number; onEvents: (events: LogEvent[]) => void; onNoGroup?: () => void; seen?: Iterable<string> },
): Promise<void> {
  const interval = Math.max(1000, o.intervalMs ?? FOLLOW_INTERVAL_MS);
  const seen = new Set(o.seen ?? []);
  let since = from;
  let saidNoGroup = false;
  while (!o.signal.aborted) {
    const got = await readEvents(clients, logGroupName, since, o.signal);
    if (got === 'no-group') {
      if (!saidNoGroup) o.onNoGroup?.();
      saidNoGroup = true;
    } else {
      const fresh = got.filter((e) => !seen.has(e.id));
      for (const e of fresh) seen.add(e.id);
      if (fresh.length) {
        since = Math.max(since, ...fresh.map((e) => e.timestamp));
        o.onEvents(fresh);
      }
    }
    await abortableSleep(o.sleep, interval, o.signal);
  }
}

/** A sleep that ends early when `signal` aborts (Ctrl-C stops the follow at once, not after the interval). */
function abortableSleep(sleep: (ms: number) => Promise<void>, ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => { signal.removeEventListener('abort', done); resolve(); };
    signal.addEventListener('abort', done);
    void sleep(ms).then(done);
  });
}
