import type { StackConfig } from '../config/schema.js';

/** What the reader of a plan should know about the user pool it makes, beside the table (pure). */
export function planNotes(config: StackConfig): string[] {
  if (!config.routes.some((r) => !r.public)) return [];
  const up = config.userPool;
  const notes = [
    up.tier === 'LITE'
      ? 'User pool plan LITE, the cheapest (Cognito alone would make ESSENTIALS): the classic hosted UI, no managed login; --user-pool-tier to choose.'
      : `User pool plan ${up.tier} (--user-pool-tier to choose); the hosted UI stays the classic one.`,
  ];
  notes.push(up.email.type === 'SES'
    ? 'Email by Amazon SES: while the account is in the SES sandbox (per region) it delivers only to verified addresses; request production access first.'
    : 'Email by Cognito\'s default sender: at most 50 emails a day, for development (--email ses for more).');
  return notes;
}
