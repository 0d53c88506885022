import type { ChalkInstance } from 'chalk';
import type { StackConfig } from '../config/schema.js';
import { countChanges, type ChangePlan } from '../plan/changes.js';

/** Wrap at spaces to `width`, continuation lines indented (a colour code counts as no width). */
export function hang(text: string, width: number, indent = ''): string {
  const lines: string[] = [];
  let line = '';
  const len = (x: string) => x.replace(/\x1b\[[0-9;]*m/g, '').length;
  for (const word of text.split(' ')) {
    if (line && len(line) + 1 + len(word) > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join(`\n${indent}`);
}

/** How a route is answered, in words. */
export function integrationText(i: StackConfig['routes'][number]['integration']): string {
  switch (i.type) {
    case 'sample-lambda': return 'the sample Lambda';
    case 'lambda': return `Lambda ${i.arn.split(':').pop() ?? i.arn}`;
    case 'http': return `HTTP proxy to ${i.url}`;
    case 'mock': return 'a mock (fixed JSON)';
  }
}

/**
 * The choices the plan makes, beside its resource names: what a reader checks before saying yes (MFA, email delivery,
 * password policy, client type, endpoint type, which routes are public).
 */
export function planChoices(config: StackConfig, c: ChalkInstance, width = 80): string {
  const p = config.userPool.passwordPolicy;
  const rules = [p.requireNumbers && 'numbers', p.requireSymbols && 'symbols', p.requireUppercase && 'upper case', p.requireLowercase && 'lower case'].filter(Boolean);
  const mfa = config.userPool.mfa;
  const mfaText = mfa.mode === 'OFF' ? 'off'
    : `${mfa.mode === 'ON' ? 'required' : 'optional'} (${[mfa.totp && 'authenticator app (TOTP)', mfa.sms && 'SMS'].filter(Boolean).join(', ')})`;
  const email = config.userPool.email;
  const emailText = email.type === 'SES' ? `Amazon SES, from ${email.from}` : "Cognito's default sender (at most 50 emails a day: for development)";
  const recovery = { verified_email: 'by verified email', verified_phone_number: 'by verified phone', admin_only: 'by an administrator only' }[config.userPool.accountRecovery];
  const idps = config.userPool.identityProviders.map((i) => i.name ?? i.type);
  const auth = config.authorizer.scopes.length ? `access token with scope ${config.authorizer.scopes.join(' ')}` : 'id token';
  const routeRows = [
    ['Endpoint', `${config.api.endpointType === 'EDGE' ? 'edge-optimized' : 'regional'} (${config.api.endpointType}), stage ${config.stage.name}`],
    ...config.routes.map((r): [string, string] => ['Route', `${r.methods.join(',')} ${r.path}: ${r.public ? c.yellow('public, no token') : `secured (${auth})`}, answered by ${integrationText(r.integration)}`]),
  ] satisfies Array<[string, string]>;
  // Every route public: no user pool is made, so none of its choices apply.
  const rows: Array<[string, string]> = config.routes.every((r) => r.public) ? [...routeRows, ['User pool', 'none (every route is public)']] : [
    ...routeRows,
    ['Sign-in', config.userPool.signInIdentifiers.join(', ')],
    ['Passwords', `at least ${p.minLength} characters${rules.length ? `, with ${rules.join(', ')}` : ''}`],
    ['MFA', mfaText],
    ['Email', emailText],
    ['Sign-up', `${config.userPool.selfSignUp ? 'anyone may sign up' : 'administrators create users (no self sign-up)'}; account recovery ${recovery}`],
    ['App client', config.appClient.type === 'confidential' ? 'confidential (a client secret; server-side apps)' : 'public (no secret; browser and mobile apps)'],
    ['Hosted UI', config.hostedUi.enabled
      ? `https://${config.hostedUi.domainPrefix}.auth.${config.region}.amazoncognito.com, callback ${config.hostedUi.callbackUrls.join(', ')}`
      : 'off'],
    ['Federation', idps.length ? idps.join(', ') : 'none'],
  ];
  const tags = Object.entries(config.tags);
  if (tags.length) {
    // Only what this stack makes carries them: never your own API or pool.
    const carriers = [
      ...(config.existingApi ? [] : ['the REST API']),
      ...((config.existingApi || config.routes.some((r) => !r.public)) && !config.existingPool ? ['the user pool'] : []),
      ...(!config.existingApi && config.routes.some((r) => r.integration.type === 'sample-lambda') ? ['the sample function and its role'] : []),
    ];
    const list = tags.map(([k, v]) => `${k}=${v}`).join(', ');
    rows.push(['Tags', carriers.length
      ? `${list}, on ${carriers.join(', ').replace(/, ([^,]*)$/, ' and $1')} (beside secure-api:stack and secure-api:state-id)`
      : `${list}: nothing this stack makes carries tags (the API and the user pool are your own)`]);
  }
  const pad = Math.max(...rows.map(([k]) => k.length)) + 2;
  return rows.map(([k, v]) => `  ${c.bold(k.padEnd(pad))}${hang(v, Math.max(30, width - pad - 3), ' '.repeat(pad + 2))}`).join('\n');
}

/** What a run did: a new stack's resources, or a change's own count (not the stack's size: "22 resources" after 6 changes misleads). */
export function doneText(changes: ChangePlan | undefined, total: number): string {
  if (!changes) return `${total} resources`;
  const c = countChanges(changes);
  const parts = [[c.add, 'added'], [c.change, 'changed'], [c.replace, 'replaced'], [c.delete, 'deleted']].filter(([n]) => Number(n) > 0).map(([n, w]) => `${String(n)} ${String(w)}`);
  return `${parts.length ? parts.join(', ') : 'nothing changed'} (the stack has ${total} resources)`;
}
