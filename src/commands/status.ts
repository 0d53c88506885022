import { z } from 'zod';
import { readAll } from '../engine/engine.js';
import { StateStore, listStacks, readState, stateDir, statePath } from '../state/store.js';
import { stackOutputs } from '../state/outputs.js';
import { outputsText, table } from '../ui/tables.js';
import { checkCommon, makeClients, makeCtx, makeUi, type CommandEnv } from './env.js';
import { loadStack } from './stack-state.js';
import { CheckFailed, ExitCode } from '../errors.js';

export const statusOptionsSchema = z.object({
  stack: z.string().optional(),
  region: z.string().optional(),
  profile: z.string().optional(),
  endpointUrl: z.string().optional(),
  stateDir: z.string().optional(),
  json: z.boolean().optional(),
  offline: z.boolean().optional(),
});
export type StatusOptions = z.infer<typeof statusOptionsSchema>;

export async function runStatus(o: StatusOptions, env: CommandEnv): Promise<number> {
  checkCommon(o);
  const ui = await makeUi(env, o.json);
  const dir = stateDir(o.stateDir, env.cwd);
  const stacks = listStacks(dir);
  if (!o.stack && stacks.length > 1) {
    const rows = stacks.map((s) => {
      const st = readState(statePath(dir, s));
      return { stack: s, region: st?.region ?? '', createdAt: st?.createdAt ?? '', resources: Object.keys(st?.nodes ?? {}).length, complete: st?.complete ?? false };
    });
    if (ui.mode === 'json') ui.json({ stacks: rows });
    else ui.out(table(['stack', 'region', 'created', 'resources'], rows.map((r) => [r.stack, r.region, r.createdAt, String(r.resources) + (r.complete ? '' : ' (unfinished)')]), ui.c, env.stdout.columns));
    return 0;
  }
  const { stack, path, state } = loadStack(o, env);
  const outputs = stackOutputs(state, path);
  if (o.offline) {
    const resources = Object.entries(state.nodes).map(([id, r]) => ({ id, kind: r.kind, label: r.label, status: r.status, out: r.out }));
    if (ui.mode === 'json') ui.json({ ...outputs, createdAt: state.createdAt, complete: state.complete, resources });
    else {
      ui.out(`Stack ${ui.c.bold(stack)} · ${state.account} / ${state.region} · created ${state.createdAt}${state.complete ? '' : ' · unfinished'} (from the state file, not checked live)`);
      ui.out(table(['resource', 'name', 'id', 'recorded'], resources.map((r) => [r.kind, r.label, Object.values(r.out)[0] ?? '', r.status]), ui.c, env.stdout.columns));
      ui.out(outputsText(outputs, ui.c));
    }
    return 0;
  }
  const region = o.region ?? state.region;
  const clients = makeClients(env, { region, profile: o.profile ?? state.profile, endpointUrl: o.endpointUrl ?? state.endpointUrl ?? env.env.AWS_ENDPOINT_URL }, ui.reporter);
  const ctx = makeCtx(env, clients, { region, account: state.account, stack, tags: {} }, ui.reporter);
  const results = await readAll({ ctx, store: new StateStore(path, state) });
  const bad = results.filter((r) => r.observed.state !== 'present');
  const describe = (r: (typeof results)[number]): string => {
    const ob = r.observed;
    if (ob.state === 'present') return '✓ present';
    if (ob.state === 'missing') return '✗ missing';
    if (ob.state === 'drifted') return `drifted: ${ob.drift.join('; ')}`;
    return `✗ ${ob.message}`;
  };
  if (ui.mode === 'json') {
    ui.json({ ...outputs, createdAt: state.createdAt, complete: state.complete, ok: bad.length === 0,
      resources: results.map((r) => ({ id: r.id, kind: r.kind, label: r.label, out: r.out, state: r.observed.state, ...('drift' in r.observed ? { drift: r.observed.drift } : {}), ...('message' in r.observed ? { message: r.observed.message } : {}) })) });
  } else {
    ui.out(`Stack ${ui.c.bold(stack)} · ${state.account} / ${state.region} · created ${state.createdAt} · ${path}`);
    ui.out(table(['resource', 'name', 'id', 'state'], results.map((r) => [r.kind, r.label, Object.values(r.out)[0] ?? '', describe(r)]), ui.c, env.stdout.columns));
    ui.out(outputsText(outputs, ui.c));
  }
  if (bad.length) throw new CheckFailed(`${bad.length} of ${results.length} resources are missing or drifted`, ExitCode.drift, `Run \`secure-api destroy --stack ${stack}\` and \`init\` again to rebuild it.`);
  return 0;
}
