import { z } from 'zod';
import { UsageError } from '../errors.js';
import { followEvents, parseSince, readEvents, type LogEvent } from '../logs/events.js';
import type { StateFile } from '../state/schema.js';
import { commonOptionsSchema } from './common-options.js';
import { checkCommon, makeUi, type CommandEnv, type Ui } from './env.js';
import { reachStack } from './stack-session.js';
import { loadStack } from './stack-state.js';
import { stackTarget } from './stack-target.js';

export const logsOptionsSchema = commonOptionsSchema.extend({
  since: z.string().default('10m'),
  follow: z.boolean().optional(),
});
export type LogsOptions = z.infer<typeof logsOptionsSchema>;

/**
 * The log group the stack's own function writes to: the one the stack made for it (the log group Lambda would make),
 * else, in a stack made before that group was, Lambda's `/aws/lambda/<name>`.
 */
export function functionLogGroup(state: StateFile): string | undefined {
  const made = Object.values(state.nodes).find((n) => n.kind === 'log-group' && (n.spec as { createdByService?: string } | undefined)?.createdByService === 'lambda');
  if (made) return made.out.logGroupName ?? (made.spec as { logGroupName?: string }).logGroupName;
  const fn = Object.values(state.nodes).find((n) => n.kind === 'lambda-function');
  const name = fn?.out.functionName ?? (fn?.spec as { functionName?: string } | undefined)?.functionName;
  return name ? `/aws/lambda/${name}` : undefined;
}

const NOT_RUN = 'no log events yet: the function has not run';

function render(ui: Ui, events: LogEvent[]): void {
  for (const e of events) ui.out(`${ui.c.dim(new Date(e.timestamp).toISOString())}  ${e.message}`);
}

/** `secure-api logs`: the recent log events of the stack's function, newest last; `--follow` polls until Ctrl-C (exit 0). */
export async function runLogs(o: LogsOptions, env: CommandEnv): Promise<number> {
  checkCommon(o);
  const sinceMs = parseSince(o.since);
  if (o.follow && o.json) throw new UsageError('--follow prints events as they come and --json prints one document: use one of them');
  const ui = await makeUi(env, o.json);
  const t = stackTarget(o, env, await loadStack(o, env));
  const stack = t.loaded.stack;
  const group = functionLogGroup(t.loaded.state);
  if (!group) {
    throw new UsageError(`stack "${stack}" has no function of its own: its routes call your functions or other backends, whose logs are theirs`,
      'A route\'s own function logs to /aws/lambda/<its name>: read it with `aws logs tail /aws/lambda/NAME`.');
  }
  const { clients } = await reachStack(o, env, t.loaded.state, ui.reporter);
  const from = env.now() - sinceMs;
  const got = await readEvents(clients, group, from, env.signal);
  if (ui.mode === 'json') {
    const events = got === 'no-group' ? [] : got;
    ui.json({
      stack, logGroup: group, since: new Date(from).toISOString(), groupExists: got !== 'no-group',
      events: events.map((e) => ({ time: new Date(e.timestamp).toISOString(), timestamp: e.timestamp, stream: e.stream, message: e.message })),
      ...(got === 'no-group' ? { note: NOT_RUN } : {}),
    });
    return 0;
  }
  if (got === 'no-group') ui.out(`${NOT_RUN} (its log group ${group} does not exist).`);
  else if (got.length === 0) ui.out(ui.c.dim(`No log events in ${group} since ${new Date(from).toISOString()} (--since ${o.since}).`));
  else render(ui, got);
  if (!o.follow) return 0;
  ui.reporter.info(`Following ${group} (Ctrl-C to stop)…`);
  await followEvents(clients, group, from, {
    sleep: env.sleep, signal: env.signal, onEvents: (events) => render(ui, events),
    seen: got === 'no-group' ? [] : got,
  });
  return 0;
}
