import { DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { countOf } from '../ui/count.js';
import type { AwsClients } from '../aws/clients.js';
import { Cancelled } from '../errors.js';
import type { StateFile } from '../state/schema.js';
import type { Prompter } from '../ui/prompter.js';
import { hang } from '../ui/plan-summary.js';
import { table } from '../ui/tables.js';
import type { Ui } from './env.js';

/** The pool's live user count (DescribeUserPool's EstimatedNumberOfUsers); undefined when it cannot be read. */
export async function poolUserCount(clients: AwsClients, state: StateFile): Promise<number | undefined> {
  const pool = state.nodes.pool;
  const id = pool?.out.userPoolId;
  // An adopted pool is put back, not deleted: its users stay.
  if (!id || pool.owned === 'adopted') return undefined;
  try {
    const r = await clients.cognito.send(new DescribeUserPoolCommand({ UserPoolId: id }));
    return r.UserPool?.EstimatedNumberOfUsers;
  } catch {
    return undefined;
  }
}

/**
 * Ask before destroying, as Terraform does: name every resource that goes, say that the pool's users go with it,
 * and when the pool has users make the user type the stack name (a y/N is too easy to give by reflex).
 * Declining is a Cancelled (exit 1).
 */
export async function confirmDestroy(o: {
  prompter: Prompter; ui: Ui; state: StateFile; users: number | undefined; columns: number | undefined;
  /** A stack on the user's own API or pool (issue 12): how many of ours go, and what is put back and kept. */
  scope?: { deleted: number; text: string } | undefined;
}): Promise<void> {
  const { prompter, ui, state, users, scope } = o;
  const nodes = Object.values(state.nodes);
  const stack = state.stack;
  if (prompter.interactive) {
    if (scope) {
      const will = (r: (typeof nodes)[number]) => (r.owned === 'adopted' ? (r.prior ? 'put back' : 'keep') : 'delete');
      ui.reporter.info(`Stack ${ui.c.bold(stack)} (${state.account} / ${state.region}) holds:`);
      ui.reporter.info(table(['resource', 'name', 'id', 'destroy will'], nodes.map((r) => [r.kind, r.label, Object.values(r.out)[0] ?? r.status, will(r)]), ui.c, o.columns));
      ui.reporter.info(`Deletes the ${countOf(scope.deleted, 'resource')} secure-api made${scope.text}.`);
    } else {
      ui.reporter.info(`Stack ${ui.c.bold(stack)} (${state.account} / ${state.region}): ${nodes.length === 1 ? 'this resource' : `these ${nodes.length} resources`} will be deleted:`);
      ui.reporter.info(table(['resource', 'name', 'id'], nodes.map((r) => [r.kind, r.label, Object.values(r.out)[0] ?? r.status]), ui.c, o.columns));
    }
    const pool = state.nodes.pool;
    if (pool && pool.owned !== 'adopted') {
      const text = users === 0 ? `The user pool ${pool.label} goes too; it has no users (DescribeUserPool's estimate).`
        : `Deleting the user pool ${pool.label} also deletes ${users === undefined ? 'every user in it (the count could not be read)'
          : `its ${users} user${users === 1 ? '' : 's'} (DescribeUserPool's estimate), with their passwords and MFA devices`}. This cannot be undone.`;
      ui.reporter.info(ui.c.red(hang(text, (o.columns ?? 80) - 1)));
    }
  }
  if (users !== 0 && state.nodes.pool && state.nodes.pool.owned !== 'adopted') {
    const typed = await prompter.input({ message: `Type the stack name (${stack}) to delete it, with its users:` });
    if (typed.trim() !== stack) throw new Cancelled(`Cancelled: "${typed.trim()}" is not ${stack}; nothing was deleted.`);
    return;
  }
  const what = scope ? `the ${countOf(scope.deleted, 'resource')} secure-api made in stack ${stack} and put back what it changed` : `${nodes.length === 1 ? 'this resource' : `these ${nodes.length} resources`} of stack ${stack}`;
  const ok = await prompter.confirm({ message: `Delete ${what}? This cannot be undone.`, default: false });
  if (!ok) throw new Cancelled('Cancelled: nothing was deleted.');
}
