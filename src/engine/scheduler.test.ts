import { describe, expect, it } from 'vitest';
import { runGraph } from './scheduler.js';

const deps: Record<string, string[]> = { a: [], b: ['a'], c: ['a'], d: ['b', 'c'] };

describe('runGraph', () => {
  it('runs each task after its dependencies, overlapping independent ones', async () => {
    const log: string[] = [];
    let inFlight = 0;
    let peak = 0;
    await runGraph(Object.keys(deps), (id) => deps[id]!, async (id) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      log.push(`start ${id}`);
      await new Promise((r) => setTimeout(r, 5));
      log.push(`end ${id}`);
      inFlight--;
    });
    expect(log.indexOf('start b')).toBeGreaterThan(log.indexOf('end a'));
    expect(log.indexOf('start d')).toBeGreaterThan(Math.max(log.indexOf('end b'), log.indexOf('end c')));
    expect(peak).toBe(2);
  });

  it('stops starting tasks after a failure, lets running ones finish, and throws the first error', async () => {
    const finished: string[] = [];
    await expect(runGraph(Object.keys(deps), (id) => deps[id]!, async (id) => {
      if (id === 'b') throw new Error('boom');
      await new Promise((r) => setTimeout(r, 10));
      finished.push(id);
    })).rejects.toThrow('boom');
    expect(finished).toEqual(['a', 'c']);
  });

  it('stops on abort with the given error', async () => {
    const ac = new AbortController();
    const started: string[] = [];
    await expect(runGraph(Object.keys(deps), (id) => deps[id]!, async (id) => {
      started.push(id);
      if (id === 'a') ac.abort();
    }, { signal: ac.signal, onAbort: () => new Error('interrupted') })).rejects.toThrow('interrupted');
    expect(started).toEqual(['a']);
  });
});
