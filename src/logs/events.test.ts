import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../aws/clients.js';
import { followEvents, LATE_EVENTS_MS } from './events.js';

/** A FilterLogEvents stand-in: the pages of the first poll, then empty ones; what was asked and printed, in order. */
function stub(pages: Array<Array<{ eventId: string; timestamp: number }>>) {
  const log: string[] = [];
  const starts: number[] = [];
  let call = 0;
  const send = async (cmd: { input: { startTime?: number; nextToken?: string } }) => {
    log.push(`read ${call}`);
    if (!cmd.input.nextToken) starts.push(cmd.input.startTime ?? 0);
    const page = pages[call] ?? [];
    call += 1;
    return { events: page.map((e) => ({ ...e, message: 'm', logStreamName: 's' })), nextToken: call < pages.length ? `t${call}` : undefined };
  };
  return { clients: { logs: { send } } as unknown as Pick<AwsClients, 'logs'>, log, starts };
}

describe('followEvents', () => {
  it('prints each page as it comes, a huge one included (no spread of its timestamps), then polls from 60 s before the newest', async () => {
    const big = Array.from({ length: 200_000 }, (_, i) => ({ eventId: `e${i}`, timestamp: 1_000_000 + i }));
    const s = stub([big, [{ eventId: 'last', timestamp: 1_500_000 }]]);
    const ctl = new AbortController();
    let printed = 0;
    let polls = 0;
    await followEvents(s.clients, 'g', 900_000, {
      signal: ctl.signal,
      sleep: async () => { polls += 1; if (polls === 2) ctl.abort(); },
      onEvents: (events) => { printed += events.length; s.log.push(`print ${events.length}`); },
    });
    expect(s.log.slice(0, 4)).toEqual(['read 0', 'print 200000', 'read 1', 'print 1']);
    expect(printed).toBe(200_001);
    expect(s.starts).toEqual([900_000, 1_500_000 - LATE_EVENTS_MS]);
  });
});
