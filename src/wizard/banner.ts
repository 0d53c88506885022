import { SecureApiError } from '../errors.js';
import type { WizardSession } from './session.js';
import { wrap } from './text.js';

/** "Account  value", the value wrapped under itself. */
function field(label: string, value: string, width: number): string {
  const pad = 9;
  return label.padEnd(pad) + wrap(value, width - pad).split('\n').join(`\n${' '.repeat(pad)}`);
}

/**
 * What will be created, where, and how to remove it. Looks the account up (sts:GetCallerIdentity) when the
 * host can; missing credentials are said here rather than failing: the plan's confirmation needs them later.
 */
export async function showBanner(s: WizardSession, known: { stack?: string | undefined; region?: string | undefined }): Promise<void> {
  const { style: c, deps } = s;
  const w = s.width;
  const stack = known.stack ?? 'secure-api';
  let account: string;
  if (!deps.account) account = c.dim('not looked up');
  else {
    try {
      s.account = await deps.account();
      account = c.bold(s.account) + (deps.profile ? c.dim(` (profile ${deps.profile})`) : '');
    } catch (err) {
      const credentials = err instanceof SecureApiError && err.code === 'CREDENTIALS';
      s.noCredentials = credentials;
      account = c.yellow(credentials
        ? 'unknown: no usable AWS credentials found. Answer the questions anyway; the plan\'s confirmation needs credentials (run `aws configure` or set AWS_PROFILE).'
        : `unknown: ${(err as Error).message}`);
    }
  }
  const region = known.region
    ? `${c.bold(known.region)} ${c.dim('(given)')}`
    : `${c.bold(deps.defaultRegion)} ${c.dim(`(${deps.regionSource ? `from ${deps.regionSource}; ` : ''}you can change it in step 1)`)}`;
  const dir = deps.stateDirLabel ?? '.secure-api';
  const lines = [
    '',
    c.bold('secure-api') + c.dim(' · secure an API Gateway REST API with a Cognito user pool'),
    '',
    wrap('Six steps, as in the walkthrough: a REST API with resources and methods backed by Lambda, a Cognito user pool '
      + 'with an app client and hosted UI, a Cognito authorizer on the methods, a deployed stage, and a test: 401 without a token, 200 with one.', w),
    '',
    field('Account', account, w),
    field('Region', region, w),
    '',
    c.dim(wrap(`Nothing is created until you confirm the plan. Every resource is tagged secure-api:stack=${stack} and with this state's own id, and recorded in `
      + `${dir}/${stack}.json; \`${deps.env.SECURE_API_COMMAND ?? 'secure-api'} destroy\` removes it all. Enter takes the default shown; Ctrl-C quits.`, w)),
  ];
  deps.say(lines.join('\n'));
}
