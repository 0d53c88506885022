import { createRequire } from 'node:module';
import type * as Commander from 'commander';
import { SecureApiError, UsageError } from './errors.js';
import type { CommandEnv } from './commands/env.js';
import { VERSION } from './version.js';

export { VERSION };

// commander is CommonJS: require() skips the ESM wrapper and its export scan, ~7 ms of every start-up.
const { Argument, Command, CommanderError, Option } = createRequire(import.meta.url)('commander') as typeof Commander;
type Command = Commander.Command;

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

/** The options every command that talks to AWS or reads state takes. */
function common(cmd: Command): Command {
  return cmd
    .option('--stack <name>', 'stack name (default: secure-api, or the only stack in the state directory)')
    .option('--region <region>', 'AWS region (default: AWS_REGION, the profile\'s region, then us-east-1)')
    .option('--profile <profile>', 'AWS profile from ~/.aws/config (default: AWS_PROFILE)')
    .option('--endpoint-url <url>', 'send every AWS call to this AWS-compatible endpoint (LocalStack…); AWS_ENDPOINT_URL works too')
    .option('--state-dir <dir>', 'where state files live', '.secure-api')
    .option('--json', 'print one JSON document on stdout');
}

/** Build the commander program; every action lazy-imports its command so `--help` loads nothing else. */
export function buildProgram(env: CommandEnv, setCode: (code: number) => void): Command {
  const program = new Command('secure-api')
    .description('An API Gateway REST API secured by a Cognito user pool authorizer, backed by Lambda: created, proven, removed.')
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => env.stdout.write(s),
      writeErr: (s) => env.stderr.write(s),
      outputError: (s, write) => write(s),
    });

  const init = common(program.command('init'))
    .description('create the stack: REST API, routes, Lambda, user pool, app client, hosted UI, authorizer, stage')
    .option('--config <file>', 'a JSON stack configuration (every wizard answer is a key)')
    .option('--api-name <name>', 'step 1: API name (default: <stack>-api)')
    .option('--api-description <text>', 'step 1: API description')
    .addOption(new Option('--endpoint-type <type>', 'step 1: API endpoint type (default: REGIONAL)').choices(['REGIONAL', 'EDGE']))
    .option('--route <"METHODS /path">', 'step 2: a route, e.g. "GET,POST /items" or "GET /items/{id}"; repeatable', collect)
    .option('--user-pool-name <name>', 'step 3: user pool name (default: <stack>-users)')
    .option('--sign-in <list>', 'step 3: sign-in identifiers, comma-separated: username, email, phone (default: email)')
    .option('--password-min-length <n>', 'step 3: minimum password length, 6-99 (default: 8, with Cognito\'s complexity rules)')
    .addOption(new Option('--mfa <mode>', 'step 3: multi-factor authentication (default: off)').choices(['off', 'optional', 'required']))
    .option('--sms-role-arn <arn>', 'step 3: IAM role Cognito sends SMS through (SNS): needed for phone sign-in, phone recovery, SMS MFA')
    .option('--sms-external-id <id>', 'step 3: the external id that role\'s trust policy expects')
    .addOption(new Option('--user-pool-tier <plan>', 'step 3: the user pool feature plan (default: LITE, the cheapest; Cognito alone would pick ESSENTIALS)').choices(['LITE', 'ESSENTIALS', 'PLUS']))
    .addOption(new Option('--email <sender>', 'step 3: message delivery: Cognito (50 emails a day) or Amazon SES (default: cognito)').choices(['cognito', 'ses']))
    .option('--email-from <address>', 'step 3: SES FROM address (with --ses-identity-arn)')
    .option('--ses-identity-arn <arn>', 'step 3: SES identity ARN of that address or its domain')
    .option('--hosted-ui', 'step 3: a hosted UI domain (the default)')
    .option('--no-hosted-ui', 'step 3: no hosted UI domain')
    .option('--domain-prefix <prefix>', 'step 3: hosted UI domain prefix (default: <stack>-<6 random chars>)')
    .addOption(new Option('--app-client <type>', 'step 3: app client type (default: public)').choices(['public', 'confidential']))
    .option('--app-client-name <name>', 'step 3: app client name (default: <stack>-client)')
    .option('--authorizer-name <name>', 'step 4: authorizer name (default: Cognito-authorizer)')
    .option('--identity-header <header>', 'step 4: identity source header (default: Authorization)')
    .option('--authorizer-scopes <list>', 'step 4: require an access token with these OAuth scopes (default: none, the id token is accepted)')
    .option('--stage <name>', 'step 5: stage name (default: dev)')
    .option('--stage-description <text>', 'step 5: stage description')
    .option('--verify', 'step 6: prove the stack after creating: 401 without a token, 200 with one (the default)')
    .option('--no-verify', 'step 6: skip the 401/200 proof after creating')
    .option('--save-config <file>', 'write the full configuration to a file that reproduces this run with --yes')
    .option('--allow-replace <kind>', 'let a change replace the user pool (user-pool), deleting its users; refused otherwise', collect)
    .option('-y, --yes', 'do not ask: take defaults for what flags and --config leave open, and create')
    .option('--dry-run', 'print the plan and the AWS calls it would make; needs no credentials')
    .action(async (opts: Record<string, unknown>) => {
      const { runInitCommand } = await import('./commands/init-command.js');
      setCode(await runInitCommand(opts, env));
    });

  // plan takes init's configuration flags (the same keys, the same recorded base), not its run options.
  const plan = common(program.command('plan'))
    .description('what init would change on a live stack (+ create, ~ update, -/+ replace, - delete), and what drifted; exit 3 if anything')
    .action(async (opts: Record<string, unknown>) => {
      const { runPlanCommand } = await import('./commands/plan.js');
      setCode(await runPlanCommand(opts, env));
    });
  const runOnly = new Set([...plan.options.map((o) => o.long), '--verify', '--no-verify', '--save-config', '--allow-replace', '--yes', '--dry-run']);
  for (const o of init.options) if (!runOnly.has(o.long)) plan.addOption(o);

  common(program.command('status'))
    .description('what exists, live; what drifted; the URLs to use')
    .option('--offline', 'show the state file only, with no AWS call')
    .option('--orphans', 'list what AWS holds tagged secure-api:stack=NAME, and whether the state file records it (exit 3 if not)')
    .action(async (opts: Record<string, unknown>) => {
      const { runStatus, statusOptionsSchema } = await import('./commands/status.js');
      setCode(await runStatus(statusOptionsSchema.parse(opts), env));
    });

  common(program.command('destroy'))
    .description('remove everything the state file names, newest first')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--orphans', 'the state file is lost: find what is tagged secure-api:stack=NAME (needs --stack) and remove it')
    .action(async (opts: Record<string, unknown>) => {
      const { runDestroy, destroyOptionsSchema } = await import('./commands/destroy.js');
      setCode(await runDestroy(destroyOptionsSchema.parse(opts), env));
    });

  common(program.command('verify'))
    .description('step 6 again: a temporary user proves 401 without a token, 2xx with the id token, CORS (exit 1 if not secured)')
    .option('--keep-user', 'leave the temporary test user in the pool (its password is shown once)')
    .action(async (opts: Record<string, unknown>) => {
      const { runVerify, verifyOptionsSchema } = await import('./commands/verify.js');
      setCode(await runVerify(verifyOptionsSchema.parse(opts), env));
    });

  common(program.command('token'))
    .description('print an id token for a user of the pool (only the token on stdout): curl -H "Authorization: $(secure-api token)" URL')
    .option('--username <name>', 'sign in as this user (email, as the pool signs in) instead of the stack\'s token user')
    .option('--password-stdin', 'read the password from standard input')
    .option('--access', 'print the access token instead (accepted only by methods with OAuth scopes)')
    .option('--login', 'sign in on the hosted UI in a browser (authorization code + PKCE) instead')
    .action(async (opts: Record<string, unknown>) => {
      const { runToken, tokenOptionsSchema } = await import('./commands/token.js');
      setCode(await runToken(tokenOptionsSchema.parse(opts), env));
    });

  const users = program.command('users').description('the users of the stack\'s pool: add, list, remove');
  common(users.command('add <name>'))
    .description('create a user (email, or username as the pool signs in); the password from stdin, or generated and shown once')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (name: string, opts: Record<string, unknown>) => {
      const { runUsersAdd, usersOptionsSchema } = await import('./commands/users.js');
      setCode(await runUsersAdd(name, usersOptionsSchema.parse(opts), env));
    });
  common(users.command('list'))
    .description('list the users of the pool')
    .action(async (opts: Record<string, unknown>) => {
      const { runUsersList, usersOptionsSchema } = await import('./commands/users.js');
      setCode(await runUsersList(usersOptionsSchema.parse(opts), env));
    });
  common(users.command('remove <name>'))
    .description('remove a user from the pool')
    .action(async (name: string, opts: Record<string, unknown>) => {
      const { runUsersRemove, usersOptionsSchema } = await import('./commands/users.js');
      setCode(await runUsersRemove(name, usersOptionsSchema.parse(opts), env));
    });

  common(program.command('export'))
    .description('write a Postman collection + environment, or curl lines, for every route (no secret in them)')
    .addArgument(new Argument('<format>', 'postman or curl').choices(['postman', 'curl']))
    .option('--out <dir>', 'directory for the files (postman: default "."; curl: default stdout)')
    .option('--no-preflight', 'leave the CORS preflight requests out of the Postman collection')
    .action(async (format: string, opts: Record<string, unknown>) => {
      const { runExport, exportOptionsSchema } = await import('./commands/export.js');
      setCode(await runExport(format, exportOptionsSchema.parse(opts), env));
    });

  program.command('policy')
    .description('print the least-privilege IAM policy secure-api needs (the exact actions its code calls); no AWS call')
    .option('--region <region>', 'scope the ARNs to this region (default: every region)')
    .option('--account <id>', 'scope the ARNs to this 12-digit account (default: every account)')
    .option('--json', 'the policy, and which call needs which action for which command')
    .action(async (opts: Record<string, unknown>) => {
      const { runPolicy, policyOptionsSchema } = await import('./commands/policy.js');
      setCode(await runPolicy(policyOptionsSchema.parse(opts), env));
    });

  return program;
}

/** Parse argv and run; returns the exit code. Errors are returned as codes after `renderError`. */
export async function runCli(argv: string[], env: CommandEnv, renderError: (err: SecureApiError | Error) => void): Promise<number> {
  let code = 0;
  const program = buildProgram(env, (c) => { code = c; });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
      // Help shown because no command was given (`secure-api`, `secure-api users`): a usage error.
      if (err.code === 'commander.help') return err.exitCode === 0 ? 0 : 2;
      // commander has already printed its message.
      return 2;
    }
    if (err instanceof SecureApiError) {
      renderError(err);
      return err.exitCode;
    }
    renderError(err as Error);
    return 1;
  }
}

export { UsageError };
