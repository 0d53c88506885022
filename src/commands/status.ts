import { z } from 'zod';
import { commonOptionsSchema } from './common-options.js';
import { readAll } from '../engine/engine.js';
import { AwsFailure, CheckFailed, ExitCode, Interrupted, UsageError } from '../errors.js';
import { resolve } from 'node:path';
import { ageText, holderText, type StateBackend } from '../state/backend.js';
import { writeFileAtomic } from '../state/store.js';
import { statusJunit } from '../status/junit.js';
import { readOnlyClients } from '../status/read-only-clients.js';
import { buildReport } from '../status/report.js';
import { renderReport, renderStackList } from '../status/render.js';
import type { StackList, StatusReport } from '../status/schema.js';
import { checkCommon, makeCtx, makeUi, type CommandEnv, type Ui } from './env.js';
import { reachStack, recordedTarget } from './stack-session.js';
import { loadStack } from './stack-state.js';
import { openBackend } from './state-backend.js';

export const statusOptionsSchema = commonOptionsSchema.extend({
  /** Show the state file only: no AWS call at all. */
  offline: z.boolean().optional(),
  /** What AWS holds with the stack's tag, recorded or not (src/orphans). */
  orphans: z.boolean().optional(),
  /** Also write the checks as JUnit XML to this file (one test case per resource and per route), for CI. */
  junit: z.string().optional(),
});
export type StatusOptions = z.infer<typeof statusOptionsSchema>;

/** One line per stack state in the directory (or S3 prefix); a state that cannot be read is listed with the reason, not fatal. */
export async function listStackSummaries(backend: StateBackend, stacks: string[]): Promise<StackList> {
  return {
    stateDir: backend.location,
    stacks: await Promise.all(stacks.map(async (stack) => {
      try {
        const st = await backend.read(stack);
        return { stack, region: st?.region ?? null, createdAt: st?.createdAt ?? null, resources: Object.keys(st?.nodes ?? {}).length, complete: st?.complete ?? false, error: null };
      } catch (err) {
        return { stack, region: null, createdAt: null, resources: 0, complete: false, error: (err as Error).message };
      }
    })),
  };
}

function print(ui: Ui, env: CommandEnv, report: StatusReport, junit: string | undefined, stackArgs: string): void {
  if (junit) writeFileAtomic(resolve(env.cwd, junit), statusJunit(report));
  if (ui.mode === 'json') ui.json(report);
  else ui.out(renderReport(report, ui.c, env.stdout.columns, stackArgs));
}

/**
 * `secure-api status`: what the state file records, read back from AWS (reads only, all at once), with every
 * security check, what differs and how to fix it, and the URLs to use. Exit 0 secured, 3 not, 1 AWS failed, 2 usage.
 */
export async function runStatus(o: StatusOptions, env: CommandEnv): Promise<number> {
  if (o.orphans) {
    const { runStatusOrphans } = await import('../orphans/orphans-command.js');
    return runStatusOrphans(o, env);
  }
  checkCommon(o);
  const ui = await makeUi(env, o.json);
  const backend = await openBackend(o, env, (m) => ui.reporter.warn(m));
  const stacks = o.stack ? [] : await backend.list();
  // A shared prefix holds the team's stacks: without --stack, status lists them (one local stack is shown itself).
  if (!o.stack && (stacks.length > 1 || (backend.kind === 's3' && stacks.length > 0))) {
    const list = await listStackSummaries(backend, stacks);
    if (ui.mode === 'json') ui.json(list);
    else ui.out(renderStackList(list, ui.c, env.stdout.columns, backend.args));
    // A listing checks nothing: unattended (CI, a pipe, --json) it must not pass as a green status.
    const attended = env.stdout.isTTY === true && env.env.CI !== 'true' && env.env.CI !== '1' && ui.mode !== 'json';
    if (attended) return 0;
    const unchecked = new UsageError(
      `status without --stack checks no stack: ${stacks.length} ${stacks.length === 1 ? 'stack' : 'stacks'} in ${backend.location} (${stacks.join(', ')})`,
      `Name the one to check with --stack ${stacks[0]!}${backend.args}.`,
      'STACK_REQUIRED',
    );
    // --json keeps stdout one document (the list); the refusal goes to stderr.
    if (ui.mode !== 'json') throw unchecked;
    ui.reporter.warn(`${unchecked.message}. ${unchecked.hint ?? ''}`);
    return ExitCode.usage;
  }
  const { stack, path, state } = await loadStack(o, env, backend);
  // Region and endpoint are the state's, or exit 2 (also for --offline: it shows this target's stack).
  recordedTarget(o, env, state);
  const stackArgs = `--stack ${stack}${backend.args}`;

  if (o.offline) {
    print(ui, env, buildReport({ state, stateFile: path, stackArgs }), o.junit, stackArgs);
    return 0;
  }

  const region = state.region;
  // The account check comes first: credentials for another account would make everything look "missing".
  const { clients } = await reachStack(o, env, state, ui.reporter, readOnlyClients);
  const notes: string[] = [];
  const ctx = { ...makeCtx(env, clients, { region, account: state.account, stack, owner: state }, ui.reporter), note: (m: string) => { notes.push(m); } };
  const results = await readAll({ ctx, store: { state } });
  // Ctrl-C cuts retry waits short; the reads it broke are not AWS's answer.
  if (env.signal.aborted) throw new Interrupted('Interrupted: status was not finished (it changes nothing, so there is nothing to undo).');
  // A lock on a shared stack is worth knowing: a run under way, or one that died (its holder and age say which).
  const lock = backend.kind === 's3' ? await backend.readLock(stack) : undefined;
  if (lock) notes.push(`Locked by ${holderText(lock)} since ${lock.startedAt} (${ageText(lock.ageMs)} ago): a run is under way, or it was killed; then \`secure-api unlock --stack ${stack} ${lock.lockId ?? 'LOCK_ID'}${backend.args}\` frees it.`);
  const report = buildReport({ state, stateFile: path, stackArgs, live: { results, notes, checkedAt: new Date(env.now()).toISOString() } });
  print(ui, env, report, o.junit, stackArgs);

  if (report.counts.error > 0) {
    throw new AwsFailure(`${report.counts.error} of ${report.counts.total} resources could not be read from AWS`, {
      code: 'STATUS_INCOMPLETE', hint: 'The messages are in the table. Check the credentials and their permissions, then run status again.',
    });
  }
  if (!report.ok) {
    const bad = report.counts.total - report.counts.present;
    if (!state.complete) {
      const made = report.counts.present;
      throw new CheckFailed(`stack "${stack}" is unfinished: init did not finish (${made} of ${report.counts.total} recorded resources present${report.notMade?.length ? `, ${report.notMade.length} not made yet` : ''})`, ExitCode.drift,
        `Run \`secure-api init ${stackArgs}\` to finish it (it resumes where it stopped), or \`secure-api destroy ${stackArgs}\` to remove what exists.`);
    }
    throw new CheckFailed(`${bad} of ${report.counts.total} resources are missing or drifted`, ExitCode.drift,
      'What differs and how to fix it is listed above.');
  }
  return ExitCode.ok;
}
