/**
 * Issue 24: every command the tool prints ("Next:" blocks, hints, the unlock line, the lost-state and orphan lines,
 * the export's token line…) carries what is needed to reach the same stack as the run that printed it: the state's
 * location (--state s3://…), --profile, --region and --endpoint-url when they were given. Walked over many messages
 * with a non-default target; then every printed command line goes through the program's own parser: it must parse.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../../src/program.js';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { runSecureApi, tempDir, VirtualClock, type RunResult } from '../support/harness.js';
import { BUCKET, PREFIX, URL as S3_URL, makeBucket } from '../state/support.js';

let fake: AwsFake;
let clock: VirtualClock;
let cwd: string;
let configFile: string;

const ENDPOINT = 'http://127.0.0.1:4566';
const TARGET = ['--state', S3_URL, '--profile', 'team', '--region', 'eu-west-1', '--endpoint-url', ENDPOINT];
const FLAGS = [`--state ${S3_URL}`, '--profile team', '--region eu-west-1', `--endpoint-url ${ENDPOINT}`];
const run = (argv: string[]): Promise<RunResult> =>
  runSecureApi([...argv, ...TARGET], { cwd, clock, env: { AWS_CONFIG_FILE: configFile }, dataPlane: false });

beforeEach(() => {
  clock = new VirtualClock();
  fake = installAwsFake({ clock, deleteRestApiWindowMs: 0, lambdaAssumeFailures: 0 });
  makeBucket(fake);
  cwd = tempDir('secure-api-printed-');
  configFile = join(cwd, 'aws-config');
  writeFileSync(configFile, '[default]\nregion = us-east-1\n[profile team]\nregion = us-east-1\n');
});
afterEach(() => fake?.restore());

const COMMANDS = 'init|plan|status|destroy|verify|token|users|show|routes|export|unlock|state|forget|logs';
/** Every `secure-api CMD …` a text names: in backquotes, a Next table's row (command, two spaces, why), or a shell line. */
function printedCommands(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(new RegExp(`secure-api ((?:${COMMANDS})\\b[^\`\\n]*)`, 'g'))) {
    // Cut where the command ends: a closing backquote (excluded above), two spaces (a table), a redirection or a pipe.
    const cmd = (m[1] ?? '').split(/ {2,}| > | \| | \(|, |\)(?:"| sh|$)|\)\.|\)$|\)\s|"\s*$/)[0]!.trim();
    found.push(cmd);
  }
  return found;
}

/** Split a command line as a shell would (quotes only: none of these lines needs more). */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

/** Parse a command line with the program's own parser; its actions replaced so nothing runs. Returns the error, if any. */
async function parses(line: string): Promise<string | undefined> {
  const sink = { write: () => true } as unknown as NodeJS.WriteStream;
  const program = buildProgram({ stdout: sink, stderr: sink, stdin: process.stdin, env: {}, cwd, signal: new AbortController().signal, now: Date.now, sleep: () => Promise.resolve(), prompter: () => Promise.reject(new Error('no prompts')) } as never, () => {});
  let ran = '';
  const quiet = (c: Command) => {
    c.exitOverride();
    c.action((...args: unknown[]) => { ran = (args[args.length - 1] as Command).name(); });
    c.commands.forEach(quiet);
  };
  program.commands.forEach(quiet);
  try {
    await program.parseAsync(words(line), { from: 'user' });
  } catch (err) {
    return (err as Error).message;
  }
  return ran ? undefined : 'no command ran';
}

describe('printed commands reach the same stack (issue 24)', () => {
  it('an S3 state, --profile, --region and an endpoint: every printed command on the stack carries them all, and parses', async () => {
    const texts: Array<[string, string]> = [];
    const keep = (what: string, r: RunResult) => texts.push([what, `${r.stdout}\n${r.stderr}`]);

    const init = await run(['init', '--yes', '--no-verify', '--stack', 'demo']);
    expect(init.code, init.stderr).toBe(0);
    keep('init (Next block)', init);
    keep('status (Next)', await run(['status', '--stack', 'demo']));
    keep('status, no such stack', await run(['status', '--stack', 'nosuch']));
    keep('users list', await run(['users', 'list', '--stack', 'demo']));
    keep('export curl', await run(['export', 'curl', '--out', cwd, '--stack', 'demo']));
    keep('show', await run(['show', '--stack', 'demo']));
    keep('export terraform', await run(['export', 'terraform', '--out', join(cwd, 'tf'), '--stack', 'demo']));
    keep('destroy --orphans with a state', await run(['destroy', '--orphans', '--yes', '--stack', 'demo']));
    // A lock held by another run: the unlock line.
    const bucket = fake.state.s3!.buckets[BUCKET]!;
    bucket.objects[`${PREFIX}/demo.lock`] = {
      body: JSON.stringify({ lockId: '0f0e0d0c-0b0a-4909-8807-060504030201', who: 'bob', host: 'ci', pid: 42, command: 'init', startedAt: new Date(clock.t).toISOString() }),
      etag: '"0123456789abcdef0123456789abcdef"', lastModified: clock.t, sse: 'AES256', contentType: 'application/json',
    };
    const locked = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--route', 'GET /other']);
    expect(locked.code).toBe(1);
    keep('locked', locked);
    keep('status with a lock (note)', await run(['status', '--stack', 'demo']));
    delete bucket.objects[`${PREFIX}/demo.lock`];
    // The state lost: init finds the tagged resources and names the way on.
    delete bucket.objects[`${PREFIX}/demo.json`];
    const lost = await run(['init', '--yes', '--no-verify', '--stack', 'demo']);
    expect(lost.code).toBe(2);
    keep('lost state', lost);
    keep('status --orphans, no state', await run(['status', '--orphans', '--stack', 'demo']));

    const seen: string[] = [];
    for (const [what, text] of texts) {
      const commands = printedCommands(text).filter((c) => /--stack (demo|nosuch|NAME)\b/.test(c));
      for (const c of commands) {
        for (const flag of FLAGS) expect(c, `${what}: ${c}`).toContain(flag);
        expect(await parses(c), `${what}: ${c}`).toBeUndefined();
      }
      seen.push(...commands.map((c) => `${what}: ${c}`));
      expect(text, what).not.toMatch(/jq [^\n]*s3:\/\//);
    }
    // Each kind of message was seen (the walk is not empty where it should not be).
    for (const what of ['init (Next block)', 'status (Next)', 'status, no such stack', 'users list', 'export curl', 'show', 'export terraform', 'destroy --orphans with a state', 'locked', 'status with a lock (note)', 'lost state', 'status --orphans, no state']) {
      expect(seen.some((s) => s.startsWith(`${what}: `)), `${what} printed a command:\n${texts.find(([w]) => w === what)?.[1] ?? ''}`).toBe(true);
    }
  });

  it('the parser check refuses what does not parse (an unknown flag, no command)', async () => {
    expect(await parses('status --stack demo --no-such-flag')).toMatch(/unknown option/);
    expect(await parses('status --stack demo')).toBeUndefined();
    expect(await parses('users add EMAIL --stack demo --profile team')).toBeUndefined();
  });
});
