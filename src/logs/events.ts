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

type Page = LogEvent[];

/**
 * Each page of the group's events from `startTime` on, handed to `onPage` as it comes; 'no-group' when the group does
 * not exist (yet).
 */
async function readPages(clients: Pick<AwsClients, 'logs'>, logGroupName: string, startTime: number, onPage: (page: Page) => void, signal?: AbortSignal): Promise<'no-group' | undefined> {
  let nextToken: string | undefined;
  do {
    let page;
    try {
      page = await clients.logs.send(new FilterLogEventsCommand({ logGroupName, startTime, nextToken }));
    } catch (err) {
      if (isNotFound(err)) return 'no-group';
      throw err;
    }
    onPage((page.events ?? []).map((e) => ({ timestamp: e.timestamp ?? 0, message: (e.message ?? '').replace(/\n$/, ''), stream: e.logStreamName ?? '', id: e.eventId ?? '' })));
    nextToken = page.nextToken;
  } while (nextToken && !signal?.aborted);
  return undefined;
}

/** Every event of the group from `startTime` on, oldest first; 'no-group' when the group does not exist (yet). */
export async function readEvents(clients: Pick<AwsClients, 'logs'>, logGroupName: string, startTime: number, signal?: AbortSignal): Promise<LogEvent[] | 'no-group'> {
  const events: LogEvent[] = [];
  const got = await readPages(clients, logGroupName, startTime, (page) => { for (const e of page) events.push(e); }, signal);
  return got ?? events.sort((a, b) => a.timestamp - b.timestamp);
}

/** The follow loop's interval: CloudWatch Logs allows FilterLogEvents a few calls a second per account; once in 2 s is plenty. */
export const FOLLOW_INTERVAL_MS = 2000;

/**
 * How far back each poll looks before the newest event seen: events reach CloudWatch Logs late, and one from another
 * stream (another instance of the function) may arrive after newer ones with its own, older, timestamp.
 */
export const LATE_EVENTS_MS = 60_000;

/**
 * Print what is new every `intervalMs` (at least 1 s) until `signal` aborts (Ctrl-C): each event once, by its id. Each
 * poll reads from LATE_EVENTS_MS before the newest event seen (never before `from`), so a late event with an older
 * timestamp is still shown; the ids seen are kept only as long as a poll can return them again. Each page is printed
 * as it comes.
 */
export async function followEvents(
  clients: Pick<AwsClients, 'logs'>, logGroupName: string, from: number,
  o: { sleep: (ms: number) => Promise<void>; signal: AbortSignal; intervalMs?: number; onEvents: (events: LogEvent[]) => void; onNoGroup?: () => void; seen?: Iterable<LogEvent> },
): Promise<void> {
  const interval = Math.max(1000, o.intervalMs ?? FOLLOW_INTERVAL_MS);
  /** Event id → its timestamp. */
  const seen = new Map<string, number>();
  let newest = from;
  for (const e of o.seen ?? []) {
    seen.set(e.id, e.timestamp);
    if (e.timestamp > newest) newest = e.timestamp;
  }
  let saidNoGroup = false;
  while (!o.signal.aborted) {
    const startTime = Math.max(from, newest - LATE_EVENTS_MS);
    for (const [id, t] of seen) if (t < startTime) seen.delete(id);
    const got = await readPages(clients, logGroupName, startTime, (page) => {
      const fresh = page.filter((e) => !seen.has(e.id)).sort((a, b) => a.timestamp - b.timestamp);
      for (const e of fresh) {
        seen.set(e.id, e.timestamp);
        if (e.timestamp > newest) newest = e.timestamp;
      }
      if (fresh.length) o.onEvents(fresh);
    }, o.signal);
    if (got === 'no-group') {
      if (!saidNoGroup) o.onNoGroup?.();
      saidNoGroup = true;
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
