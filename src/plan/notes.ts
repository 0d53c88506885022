import type { StackConfig } from '../config/schema.js';
import { customScopes } from '../config/scopes.js';
import { whoGetsIn } from './who-gets-in.js';

/** What the reader of a plan should know about the user pool it makes, beside the table (pure). */
export function planNotes(config: StackConfig): string[] {
  if (!config.routes.some((r) => !r.public)) return [];
  const up = config.userPool;
  const access = whoGetsIn({ selfSignUp: config.existingPool ? undefined : up.selfSignUp, existingPool: config.existingPool !== undefined, restricted: config.routes.filter((r) => !r.public) });
  const notes: string[] = [];
  // The feature plan and the email sender are settings of a pool the stack makes; an existing pool keeps its own.
  if (!config.existingPool) {
    notes.push(up.tier === 'LITE'
      ? 'User pool plan LITE, the cheapest (Cognito alone would make ESSENTIALS): the classic hosted UI, no managed login; --user-pool-tier to choose.'
      : `User pool plan ${up.tier} (--user-pool-tier to choose); the hosted UI stays the classic one.`);
    notes.push(up.email.type === 'SES'
      ? 'Email by Amazon SES: while the account is in the SES sandbox (per region) it delivers only to verified addresses; request production access first.'
      : 'Email by Cognito\'s default sender: at most 50 emails a day, for development (--email ses for more).');
  }
  const custom = customScopes(config.authorizer.scopes);
  if (custom.length > 0) {
    notes.push(config.authorizer.machineClient
      ? `Custom scopes ${custom.join(', ')}: a resource server defines them, and a machine client (client credentials) gets the tokens that prove them. Cognito bills machine-to-machine app clients and their token requests; --no-machine-client to go without (the scoped methods are then proven by hand).`
      : `Custom scopes ${custom.join(', ')}: a resource server defines them; no machine client (--no-machine-client), so verify cannot prove the scoped methods unattended: \`secure-api token --login --access\` gets a scoped token through the hosted UI.`);
  }
  return [...notes, ...access];
}

/**
 * The question before a first run: what it makes, and on an existing API or pool what of the user's it uses (and
 * changes, put back by destroy), so "Create these 17 resources?" is never asked when most of them exist.
 */
export function createQuestion<K extends string>(nodes: ReadonlyArray<{ kind: K }>, adopted: (kind: K) => boolean, where: string): string {
  const theirs = nodes.filter((n) => adopted(n.kind)).length;
  const made = nodes.length - theirs;
  const create = made === 1 ? 'Create this resource' : `Create these ${made} resources`;
  return theirs > 0
    ? `${create} and use ${theirs} of yours (destroy puts back what it changes) in ${where}?`
    : `${create} in ${where}?`;
}
