/**
 * Issue 24: every command the tool prints ("Next:" blocks, hints, the unlock line, the lost-state and orphan lines,
 * the export's token line…) carries what is needed to reach the same stack as the run that printed it: the state's
 * location (--state s3://…), --profile, --region and --endpoint-url when they were given. Walked over many messages
 * with a non-default target; then every printed command line goes through the program's own parser: it must parse.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StateFile } from '../../src/state/schema.js';
import { makeDrift } from '../status/drift.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../../src/program.js';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { runSecureApi, tempDir, VirtualClock, type RunResult } from '../support/harness.js';
import { BUCKET, PREFIX, URL as S3_URL, makeBucket, s3State } from '../state/support.js';
import { ERROR_CATALOGUE, nextStep, type CatalogueRow } from '../../src/aws/error-catalogue.js';
import { plainCommand } from '../../src/errors.js';

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

const COMMANDS = 'init|plan|status|destroy|verify|token|users|show|routes|export|unlock|state|forget|logs|policy';
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

/** What a printed command must carry: `policy` takes no credentials or endpoint, but the state and the stack's region and account. */
const flagsFor = (command: string, account: string): string[] => (command.startsWith('policy')
  ? ['--stack demo', `--state ${S3_URL}`, '--region eu-west-1', `--account ${account}`]
  : ['--stack demo', ...FLAGS]);

/** A message AWS sends with each error the catalogue knows (a row with `when` needs its own). */
const SAMPLE: Record<string, string> = {
  USER_DISABLED: 'User is disabled.',
  WRONG_CLIENT_SECRET: 'Unable to verify secret hash for client 1example23456789',
  WRONG_PASSWORD: 'Incorrect username or password.',
  ACCESS_DENIED: 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: cognito-idp:ListUsers on resource: arn:aws:cognito-idp:eu-west-1:123456789012:userpool/x',
};
/** The commands a row's next step names (none: a console, `aws sso login`…). */
function namedCommands(row: CatalogueRow, message: string): string[] {
  const next = nextStep(row, message);
  if (typeof next === 'string') return [];
  const named: string[] = [];
  next((c) => { named.push(c); return plainCommand(c); });
  return named;
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
    // Hints of usage errors made where the stack is not known (src/config): named by the CLI.
    keep('routes remove, no such route', await run(['routes', 'remove', 'GET /nosuch', '--stack', 'demo']));
    keep('routes add, route exists', await run(['routes', 'add', 'GET /items', '--stack', 'demo']));
    keep('users add --group, no such group', await runSecureApi(['users', 'add', 'bob@example.com', '--password-stdin', '--group', 'nosuch', '--stack', 'demo', ...TARGET], { cwd, clock, env: { AWS_CONFIG_FILE: configFile }, dataPlane: false, stdin: 'Correct-Horse-9-battery\n' }));
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
    // Drift on a live stack: plan's "init puts these back" line; an interrupted change: the resume line.
    const again = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--adopt']);
    expect(again.code, again.stderr).toBe(0);
    // The pool's password policy weakened out of band (as status's drift tests do): plan names init, with the flags.
    await makeDrift('password-weakened', JSON.parse(String(bucket.objects[`${PREFIX}/demo.json`]!.body)) as StateFile);
    keep('plan with drift', await run(['plan', '--stack', 'demo']));
    keep('init --dry-run on the stack', await run(['init', '--dry-run', '--stack', 'demo']));

    const seen: string[] = [];
    const bare: string[] = [];
    for (const [what, text] of texts) {
      // A command on this stack that names no stack cannot reach it (policy and a new stack's init aside).
      bare.push(...printedCommands(text).filter((c) => !/--stack /.test(c) && !/^(policy|init --dry-run|init --config|init$)/.test(c)).map((c) => `${what}: ${c}`));
      const commands = printedCommands(text).filter((c) => /--stack (demo|nosuch|NAME)\b/.test(c));
      for (const c of commands) {
        for (const flag of FLAGS) expect(c, `${what}: ${c}`).toContain(flag);
        expect(await parses(c), `${what}: ${c}`).toBeUndefined();
      }
      seen.push(...commands.map((c) => `${what}: ${c}`));
      expect(text, what).not.toMatch(/jq [^\n]*s3:\/\//);
    }
    expect(bare).toEqual([]);
    // Each kind of message was seen (the walk is not empty where it should not be).
    for (const what of ['init (Next block)', 'status (Next)', 'status, no such stack', 'users list', 'export curl', 'show', 'export terraform', 'destroy --orphans with a state',
      'routes remove, no such route', 'routes add, route exists', 'users add --group, no such group', 'locked', 'status with a lock (note)', 'lost state', 'status --orphans, no state',
      'plan with drift']) {
      expect(seen.some((s) => s.startsWith(`${what}: `)), `${what} printed a command:\n${texts.find(([w]) => w === what)?.[1] ?? ''}`).toBe(true);
    }
  });

  it('the error catalogue\'s next steps: every command a row names carries --stack and what reaches it, and parses', async () => {
    const init = await run(['init', '--yes', '--no-verify', '--stack', 'demo']);
    expect(init.code, init.stderr).toBe(0);
    const account = s3State(fake, 'demo')!.account;
    const check = async (what: string, text: string, expected: string[]) => {
      const commands = printedCommands(text);
      // Each command the row names is printed (none is left out or printed plain).
      expect(commands.map((c) => c.split(' --stack ')[0]), `${what}:\n${text}`).toEqual(expected);
      for (const c of commands) {
        for (const flag of flagsFor(c, account)) expect(c, `${what}: ${c}`).toContain(flag);
        expect(await parses(c), `${what}: ${c}`).toBeUndefined();
      }
    };

    // As a person meets them: a user added twice, on the fake's own rule (AdminCreateUser: UsernameExistsException).
    const password = 'Correct-Horse-9-battery';
    expect((await runSecureApi(['users', 'add', 'alice@example.com', '--password-stdin', '--stack', 'demo', ...TARGET], { cwd, clock, env: { AWS_CONFIG_FILE: configFile }, dataPlane: false, stdin: `${password}\n` })).code).toBe(0);
    const again = await runSecureApi(['users', 'add', 'alice@example.com', '--password-stdin', '--stack', 'demo', ...TARGET], { cwd, clock, env: { AWS_CONFIG_FILE: configFile }, dataPlane: false, stdin: `${password}\n` });
    expect(again.code, again.stderr).toBe(1);
    expect(again.stderr).toContain('already exists in the pool');
    await check('users add, twice', again.stderr, ['token --username NAME --password-stdin', 'users list']);
    // --json carries the same hint in {"error":{hint}}.
    const json = await runSecureApi(['users', 'add', 'alice@example.com', '--password-stdin', '--json', '--stack', 'demo', ...TARGET], { cwd, clock, env: { AWS_CONFIG_FILE: configFile }, dataPlane: false, stdin: `${password}\n` });
    const error = (JSON.parse(json.stdout) as { error: { code: string; hint: string } }).error;
    expect(error.code).toBe('USER_EXISTS');
    await check('users add --json', error.hint, ['token --username NAME --password-stdin', 'users list']);

    // A stack whose methods want scopes: how to get an access token (init's outputs, status) names the stack too.
    const scoped = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--authorizer-scopes', 'demo/read']);
    expect(scoped.code, scoped.stderr).toBe(0);
    const scopedStatus = await run(['status', '--stack', 'demo']);
    for (const [what, text] of [['init, scopes', scoped.stdout], ['status, scopes', scopedStatus.stdout]] as const) {
      // The sentence is wrapped to the terminal: read it unwrapped.
      const tokens = [...text.replace(/\n\s*/g, ' ').matchAll(/`secure-api (token --(?:machine|login)[^`]*)`/g)].map((m) => m[1]!);
      expect(tokens.length, `${what}:\n${text}`).toBeGreaterThanOrEqual(2);
      for (const c of tokens) {
        for (const flag of flagsFor(c, account)) expect(c, `${what}: ${c}`).toContain(flag);
        expect(await parses(c), `${what}: ${c}`).toBeUndefined();
      }
    }

    // Every row that names a command: its error answered to `users list` (ListUsers), rendered by the CLI.
    const rows = ERROR_CATALOGUE.map((row) => {
      const name = row.names[0]!.replace(/\*$/, 'Exception');
      const message = SAMPLE[row.code] ?? `${name} (aws fake)`;
      return { row, name, message, names: namedCommands(row, message) };
    }).filter((x) => x.names.length > 0);
    expect(rows.map((x) => x.row.code).sort()).toEqual(['ACCESS_DENIED', 'PASSWORD_POLICY', 'RECORDED_RESOURCE_GONE', 'USER_EXISTS', 'USER_NOT_FOUND', 'WRONG_CLIENT_SECRET']);
    for (const { row, name, message, names } of rows) {
      fake.inject({ command: 'ListUsers', service: 'cognito', error: name, message });
      const r = await run(['users', 'list', '--stack', 'demo']);
      fake.clearInjections();
      expect(r.code, `${row.code}: ${r.stderr}`).toBe(1);
      expect(r.stderr, row.code).toContain(row.say());
      await check(row.code, r.stderr, names);
    }
  });

  it('the parser check refuses what does not parse (an unknown flag, no command)', async () => {
    expect(await parses('status --stack demo --no-such-flag')).toMatch(/unknown option/);
    expect(await parses('status --stack demo')).toBeUndefined();
    expect(await parses('users add EMAIL --stack demo --profile team')).toBeUndefined();
  });
});
