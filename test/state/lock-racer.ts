/**
 * One of several processes racing for one local lock (test/state/lock.test.ts): ROUNDS times it tries to take the
 * lock; when it wins it logs "start" and "end" around a short hold (appended lines are atomic), then releases, or
 * "dies" holding it (the lock rewritten to name a dead PID), so the others race to take over a stale lock too.
 * Usage: lock-racer.ts STATE_PATH LOG ROUNDS DEAD_PID
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { acquireLock } from '../../src/state/lock.js';

const [statePath = '', log = '', rounds = '0', deadPid = '0'] = process.argv.slice(2);
const pause = (ms: number) => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms); };
let wins = 0;
for (let i = 0; i < Number(rounds); i++) {
  let release: ReturnType<typeof acquireLock> | undefined;
  try {
    release = acquireLock(statePath, 'race', { onStale: () => {}, locked: () => new Error('locked') });
  } catch (err) {
    if ((err as Error).message !== 'locked') throw err;
  }
  if (release) {
    wins++;
    appendFileSync(log, `start ${process.pid}\n`);
    pause(3);
    appendFileSync(log, `end ${process.pid}\n`);
    if (i % 3 === 0) writeFileSync(`${statePath}.lock`, JSON.stringify({ pid: Number(deadPid), startedAt: 'then', command: 'dead' }));
    else release();
  }
  pause(1 + (i % 4));
}
process.stdout.write(`${wins}\n`);
