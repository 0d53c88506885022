import { createRequire } from 'node:module';
import type * as Commander from 'commander';
import { SecureApiError, UsageError } from './errors.js';
import type { CommandEnv, RunReach } from './commands/env.js';
import type { CompletionTree } from './commands/completion.js';
import { asciiStreams, isUtf8Locale, mapWrites } from './ui/charset.js';
import { HELP_EXAMPLES } from './help-examples.js';
import { VERSION } from './version.js';

export { VERSION };

// commander is CommonJS: require() skips the ESM wrapper and its export scan, ~7 ms of every start-up.
const { Argument, Command, CommanderError, Option } = createRequire(import.meta.url)('commander') as typeof Commander;
type Command = Commander.Command;

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

/** Options of every command, accepted before the command's name too (`secure-api --no-color status`). */
function output(cmd: Command, json = true): Command {
  if (json) cmd.option('--json', 'print one JSON document on stdout (errors too: {"error":{code,message,hint}})');
  return cmd
    .option('--no-color', 'no colours (NO_COLOR=1 does the same)')
    .option('--verbose', 'log each AWS call and its timing on stderr')
    .option('--debug', 'also log what goes over the wire (request, response), secrets masked');
}

/** The options every command that talks to AWS or reads state takes, before or after its name. */
function common(cmd: Command): Command {
  return output(cmd
    .option('--stack <name>', 'stack name (default: secure-api, or the only stack in the state directory)')
    .option('--region <region>', 'AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile\'s region, then us-east-1)')
    .option('--profile <profile>', 'AWS profile from ~/.aws/config (default: AWS_PROFILE)')
    .option('--endpoint-url <url>', 'send every AWS call to this AWS-compatible endpoint (LocalStack…); AWS_ENDPOINT_URL works too')
    .option('--state-dir <dir>', 'where state files live (default: .secure-api)')
    .option('--state <url>', 'keep the state in S3, shared and locked: s3://BUCKET/PREFIX (or SECURE_API_STATE)')
    .option('--create-bucket', 'with an s3:// state: make the bucket if it is missing (versioning on, public access blocked, TLS only)'));
}

/** The command's options merged with those given before its name (its own win), and the env they ask for. */
function resolved(env: CommandEnv, cmd: Command): { opts: Record<string, unknown>; env: CommandEnv } {
  // Program first, the command last: its own values win, but its defaults (color: true) never undo a value given before it.
  const chain: Command[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) chain.unshift(c);
  const opts: Record<string, unknown> = {};
  for (const c of chain) {
    for (const [k, v] of Object.entries(c.opts<Record<string, unknown>>())) {
      if (!(k in opts) || c.getOptionValueSource(k) !== 'default') opts[k] = v;
    }
  }
  const extra: Partial<CommandEnv> = {};
  if (opts.color === false) extra.env = { ...env.env, NO_COLOR: '1' };
  if (opts.verbose === true || opts.debug === true) extra.trace = { debug: opts.debug === true };
  // A prototype link keeps cli.ts's lazy stdin getter lazy.
  return { opts, env: Object.keys(extra).length ? Object.assign(Object.create(env) as CommandEnv, extra) : env };
}

/** Build the commander program; every action lazy-imports its command so `--help` loads nothing else. */
export function buildProgram(env: CommandEnv, setCode: (code: number) => void): Command {
  const program = new Command('secure-api')
    .description('An API Gateway REST API secured by a Cognito user pool authorizer, backed by Lambda: created, proven, removed.')
    .version(VERSION, '-v, --version')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => env.stdout.write(s),
      writeErr: (s) => env.stderr.write(s),
      // runCli renders commander's refusals like every other error ("Error: …" and a hint).
      outputError: () => {},
    });
  common(program);

  const init = common(program.command('init').aliases(['deploy', 'apply']))
    .description('create the stack: REST API, routes, Lambda, user pool, app client, hosted UI, authorizer, stage')
    .option('--config <file>', 'a JSON stack configuration (every wizard answer is a key)')
    .option('--api-id <id>', 'step 1: secure this existing REST API instead of creating one')
    .option('--secure <"METHODS /path">', 'step 2 with --api-id: a method of it to put behind the authorizer; repeatable (default: every open method but OPTIONS)', collect)
    .option('--secure-add <"METHOD /path">', 'with an existing API: secure one more of its methods, keeping the recorded list; repeatable', collect)
    .option('--secure-remove <"METHOD /path">', 'with an existing API: put one secured method back as it was (open), or leave an open one open on purpose; repeatable', collect)
    .option('--no-cors', 'with --api-id: add no OPTIONS preflight and no CORS gateway response to it')
    .option('--user-pool-id <id>', 'step 3: use this existing user pool (its settings and users stay as they are)')
    .option('--app-client-id <id>', 'step 3 with --user-pool-id: use this app client of it instead of creating one')
    .option('--api-name <name>', 'step 1: API name (default: <stack>-api)')
    .option('--api-description <text>', 'step 1: API description')
    .addOption(new Option('--endpoint-type <type>', 'step 1: API endpoint type (default: REGIONAL)').choices(['REGIONAL', 'EDGE']))
    .option('--route <"METHODS /path">', 'step 2: a secured route, e.g. "GET,POST /items" or "GET /items/{id}" (GET POST PUT PATCH DELETE HEAD ANY); repeatable. With --public-route, the WHOLE list: a recorded route left out is deleted (to add or remove one, use `secure-api routes add|remove`)', collect)
    .option('--public-route <"METHODS /path">', 'step 2: a route anyone may call, without a token; repeatable, part of the whole list as --route is', collect)
    .option('--route-group <"METHODS /path=GROUP[,GROUP]">', 'step 2: only members of these Cognito groups may call that route of the list (cognito:groups, checked by the sample function: 403 to anyone else); the group is made in the pool; repeatable', collect)
    .option('--user-pool-name <name>', 'step 3: user pool name (default: <stack>-users)')
    .option('--sign-in <list>', 'step 3: sign-in identifiers, comma-separated: username, email, phone (default: email)')
    .option('--password-min-length <n>', 'step 3: minimum password length, 6-99 (default: 8); numbers, symbols, upper and lower case stay required (userPool.passwordPolicy changes those)')
    .addOption(new Option('--mfa <mode>', 'step 3: multi-factor authentication (default: off)').choices(['off', 'optional', 'required']))
    .option('--sms-role-arn <arn>', 'step 3: IAM role Cognito sends SMS through (SNS): needed for phone sign-in, phone recovery, SMS MFA')
    .option('--sms-external-id <id>', 'step 3: the external id that role\'s trust policy expects')
    .addOption(new Option('--user-pool-tier <plan>', 'step 3: the user pool feature plan (default: LITE, the cheapest; Cognito alone would pick ESSENTIALS)').choices(['LITE', 'ESSENTIALS', 'PLUS']))
    .addOption(new Option('--email <sender>', 'step 3: message delivery: Cognito (50 emails a day) or Amazon SES (default: cognito)').choices(['cognito', 'ses']))
    .option('--email-from <address>', 'step 3: SES FROM address (with --ses-identity-arn)')
    .option('--ses-identity-arn <arn>', 'step 3: SES identity ARN of that address or its domain')
    .option('--self-sign-up', 'step 3: anyone may create an account')
    .option('--no-self-sign-up', 'step 3: only administrators create users (the default)')
    .option('--deletion-protection', 'step 3: the pool cannot be deleted until this is turned off (the default; destroy turns it off first)')
    .option('--no-deletion-protection', 'step 3: no deletion protection (one turned on by hand stays)')
    .addOption(new Option('--threat-protection <mode>', 'step 3: threat protection, PLUS plan only (default: enforced on PLUS, else off)').choices(['off', 'audit', 'enforced']))
    .option('--access-token-minutes <n>', 'step 3: access token lifetime, 5-1440 minutes (default: 60)')
    .option('--id-token-minutes <n>', 'step 3: id token lifetime, 5-1440 minutes (default: 60)')
    .option('--refresh-token-days <n>', 'step 3: refresh token lifetime, 1-3650 days (default: 30)')
    .option('--refresh-token-rotation', 'step 3: each refresh returns a new refresh token and retires the old one')
    .option('--no-refresh-token-rotation', 'step 3: refresh tokens are not rotated (the default)')
    .addOption(new Option('--account-recovery <how>', 'step 3: forgotten passwords are recovered by (default: email)').choices(['email', 'phone', 'admin']))
    .option('--hosted-ui', 'step 3: a hosted UI domain (the default)')
    .option('--no-hosted-ui', 'step 3: no hosted UI domain')
    .option('--domain-prefix <prefix>', 'step 3: hosted UI domain prefix (default: <stack>-<6 characters derived from the stack, the state directory and this machine>)')
    .option('--callback-url <url>', 'step 3: where the hosted UI returns after sign-in (default: http://localhost:8765/callback); repeatable', collect)
    .option('--logout-url <url>', 'step 3: where the hosted UI returns after sign-out (default: http://localhost:8765/); repeatable', collect)
    .addOption(new Option('--app-client <type>', 'step 3: app client type (default: public)').choices(['public', 'confidential']))
    .option('--app-client-name <name>', 'step 3: app client name (default: <stack>-client)')
    .option('--authorizer-name <name>', 'step 4: authorizer name (default: Cognito-authorizer)')
    .option('--identity-header <header>', 'step 4: identity source header (default: Authorization)')
    .option('--authorizer-scopes <list>', 'step 4: require an access token with these OAuth scopes (default: none, the id token is accepted); a custom scope IDENTIFIER/NAME gets a resource server')
    .option('--machine-client', 'step 4: with custom scopes, a confidential client with the client_credentials grant that proves them (the default; Cognito bills M2M tokens)')
    .option('--no-machine-client', 'step 4: no machine client: the scoped methods are proven by hand (secure-api token --login --access)')
    .option('--stage <name>', 'step 5: stage name (default: dev)')
    .option('--stage-description <text>', 'step 5: stage description')
    .option('--tracing', 'step 5: trace the stage\'s requests with AWS X-Ray (on your own stage with --api-id too; destroy puts back what it had)')
    .option('--no-tracing', 'step 5: no X-Ray tracing set by secure-api (the default; a stage of yours keeps what it has)')
    .option('--throttle <RATE,BURST>', 'step 5: default throttling of every method of the stage: requests per second (up to 10000) and burst (up to 5000), e.g. 100,200')
    .option('--no-throttle', 'step 5: no stage throttling set by secure-api (the default: the account limits)')
    .option('--access-log-retention <days>', 'step 5: log every request of the stage to a log group of its own, kept this many days (1, 3, 5, 7, 14, 30, 60, 90, …, 3653); needs API Gateway\'s CloudWatch role in the account settings')
    .option('--no-access-log', 'step 5: no access logging set by secure-api (the default)')
    .option('--verify', 'step 6: prove the stack after creating: 401 without a token, 200 with one (the default)')
    .option('--no-verify', 'step 6: skip the 401/200 proof after creating')
    .option('--allow-triggers', 'step 6: on a pool with Lambda triggers, let the proof\'s test user set them off (pre sign-up, pre/post authentication, pre token generation); without it the checks with a token are skipped')
    .option('--tag <KEY=VALUE>', 'a tag on the API, the user pool, the sample function and its role, e.g. team=payments; repeatable (given once, it is the whole list; changed in place)', collect)
    .option('--save-config <file>', 'write the full configuration to a file that reproduces this run with --yes')
    .option('--allow-replace <kind>', 'let a change replace the user pool (user-pool), deleting its users; refused otherwise', collect)
    .option('-y, --yes', 'do not ask: take defaults for what flags and --config leave open, and create')
    .option('--dry-run', 'print the plan and the AWS calls it would make; needs no credentials (on a recorded stack: the change plan, from its state file)')
    .option('--adopt', 'no state file, but resources tagged with this stack exist (a lost state file): take them back into a new state')
    .action(async (_o: unknown, cmd: Command) => {
      const r = resolved(env, cmd);
      const { runInitCommand } = await import('./commands/init-command.js');
      setCode(await runInitCommand(r.opts, r.env));
    });

  // plan takes init's configuration flags (the same keys, the same recorded base), not its run options.
  const plan = common(program.command('plan'))
    .description('what init would change on a live stack (+ create, ~ update, -/+ replace, - delete), and what drifted; exit 3 if anything')
    .action(async (_o: unknown, cmd: Command) => {
      const r = resolved(env, cmd);
      const { runPlanCommand } = await import('./commands/plan.js');
      setCode(await runPlanCommand(r.opts, r.env));
    });
  const runOnly = new Set([...plan.options.map((o) => o.long), '--verify', '--no-verify', '--allow-triggers', '--save-config', '--allow-replace', '--yes', '--dry-run', '--adopt']);
  for (const o of init.options) if (!runOnly.has(o.long)) plan.addOption(o);

  common(program.command('status'))
    .description('what exists, live; what drifted; the URLs to use')
    .option('--offline', 'show the state file only, with no AWS call')
    .option('--orphans', 'list what AWS holds tagged secure-api:stack=NAME, and whether the state file records it (exit 3 if not)')
    .option('--junit <file>', 'also write every check as a JUnit test case to FILE (CI shows which route lost its authorizer)')
    .action(async (_o: unknown, cmd: Command) => {
      const r = resolved(env, cmd);
      const { runStatus, statusOptionsSchema } = await import('./commands/status.js');
      setCode(await runStatus(statusOptionsSchema.parse(r.opts), r.env));
    });

  common(program.command('destroy'))
    .description('remove everything the state file names, newest first')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--orphans', 'the state file is lost: find what is tagged secure-api:stack=NAME (needs --stack) and remove it')
    .option('--state-id <id>', 'with --orphans: remove what carries this secure-api:state-id (status --orphans shows it); without it, only what carries none')
    .action(async (_o: unknown, cmd: Command) => {
      const r = resolved(env, cmd);
      const { runDestroy, destroyOptionsSchema } = await import('./commands/destroy.js');
      setCode(await runDestroy(destroyOptionsSchema.parse(r.opts), r.env));
    });

  common(program.command('forget'))
    .description('stop managing a stack without deleting anything: take secure-api\'s tags off what it made, keep a copy of the state, forget it (after `export terraform|cdk`)')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(async (_o: unknown, cmd: Command) => {
      const r = resolved(env, cmd);
      const { runForget, forgetOptionsSchema } = await import('./commands/forget.js');
      setCode(await runForget(forgetOptionsSchema.parse(r.opts), r.env));
    });

  common(program.command('verify'))
    .description('step 6 again: a temporary user proves 401 without a token, 2xx with the id token, CORS (exit 1 if not secured)')
    .option('--keep-user', 'leave the temporary test user in the pool (its password is shown once, on a terminal only)')
    .option('--read-only', 'create no user (for CI, on a pool others own): only the checks that need no token, a forged token, CORS, and what each stage serves')
    .option('--allow-triggers', 'make the test user even when your pool has Lambda triggers it sets off (pre sign-up, pre/post authentication, pre token generation); without it those checks are skipped')
    .action(async (_o: unknown, cmd: Command) => {
      const r = resolved(env, cmd);
      const { runVerify, verifyOptionsSchema } = await import('./commands/verify.js');
      setCode(await runVerify(verifyOptionsSchema.parse(r.opts), r.env));
    });

  common(program.command('token'))
    .description('print an id token for a user of the pool (only the token on stdout): curl -H "Authorization: $(secure-api token)" URL')
    .option('--username <name>', 'sign in as this user (email, as the pool signs in) instead of the stack\'s token user')
    .option('--password-stdin', 'read the password from standard input')
    .option('--access', 'print the access token instead (accepted only by methods with OAuth scopes)')
    .option('--mfa-code <code>', 'the 6-digit code of the user\'s authenticator app, for a pool with MFA (asked for on a terminal otherwise)')
    .option('--machine', 'print the machine client\'s access token (client credentials, the custom scopes): for methods that require them')
    .option('--login', 'sign in on the hosted UI in a browser (authorization code + PKCE) instead')
    .action(async (_o: unknown, cmd: Command) => {
      const r = resolved(env, cmd);
      const { runToken, tokenOptionsSchema } = await import('./commands/token.js');
      setCode(await runToken(tokenOptionsSchema.parse(r.opts), r.env));
    });

  common(program.command('logs'))
    .description('the recent log events of the stack\'s function (CloudWatch Logs), newest last')
    .option('--since <duration>', 'how far back: 30s, 10m, 2h or 7d', '10m')
    .option('-f, --follow', 'keep printing new events (every 2 s) until Ctrl-C')
    .action(async (_o: unknown, cmd: Command) => {
      const r = resolved(env, cmd);
      const { runLogs, logsOptionsSchema } = await import('./commands/logs.js');
      setCode(await runLogs(logsOptionsSchema.parse(r.opts), r.env));
    });

  const users = program.command('users').description('the users of the stack\'s pool: add, list, remove');
  common(users.command('add <name>'))
    .description('create a user (email, or username as the pool signs in); the password from stdin, or generated and shown once, on a terminal only')
    .option('--password-stdin', 'read the password from standard input')
    .option('--group <name>', 'put the user in this group of the stack (its members may call the routes restricted to it); repeatable', collect)
    .action(async (name: string, _o: unknown, cmd: Command) => {
      const r = resolved(env, cmd);
      const { runUsersAdd, usersOptionsSchema } = await import('./commands/users.js');
      setCode(await runUsersAdd(name, usersOptionsSchema.parse(r.opts), r.env));
    });
  common(users.command('list'))
    .description('list the users of the pool')
    .action(async (_o: unknown, cmd: Command) => {
      const r = resolved(env, cmd);
      const { runUsersList, usersOptionsSchema } = await import('./commands/users.js');
      setCode(await runUsersList(usersOptionsSchema.parse(r.opts), r.env));
    });
  common(users.command('remove <name>'))
    .description('remove a user from the pool')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      const r = resolved(env, cmd);
      const { runUsersRemove, usersOptionsSchema } = await import('./commands/users.js');
      setCode(await runUsersRemove(name, usersOptionsSchema.parse(r.opts), r.env));
    });

  common(program.command('show'))
    .description('the recorded configuration, from the state file (no AWS call); --json is the document init --config takes')
    .option('--outputs', 'the stack\'s outputs instead: invoke URL, route URLs, ids, hosted UI, JWKS (as terraform output)')
    .action(async (_o: unknown, cmd: Command) => {
      const r = resolved(env, cmd);
      const { runShow, showOptionsSchema } = await import('./commands/show.js');
      setCode(await runShow(showOptionsSchema.parse(r.opts), r.env));
    });

  const routes = program.command('routes').description('the stack\'s routes one at a time: list, add, remove (each a change with its plan and proof)');
  common(routes.command('list'))
    .description('the recorded routes: method, path, secured or public, what answers it, its URL (no AWS call)')
    .action(async (_o: unknown, cmd: Command) => {
      const r = resolved(env, cmd);
      const { runRoutesList, routesOptionsSchema } = await import('./commands/routes.js');
      setCode(await runRoutesList(routesOptionsSchema.parse(r.opts), r.env));
    });
  common(routes.command('add <route>'))
    .description('add one route, e.g. "GET /items/{id}"; every other route stays as it is')
    .option('--public', 'anyone may call it, without a token (default: secured by the authorizer)')
    .option('--integration <kind>', 'what answers it: lambda (the sample function), function:NAME_OR_ARN, http:URL, mock (default: lambda)')
    .option('--group <name>', 'only members of this Cognito group may call it (checked by the sample function: 403 to anyone else; lambda integration only); repeatable: a member of any one', collect)
    .option('-y, --yes', 'do not ask: apply the change')
    .option('--no-verify', 'skip the 401/200 proof after the change')
    .action(async (route: string, _o: unknown, cmd: Command) => {
      const r = resolved(env, cmd);
      const { runRoutesChange, routesOptionsSchema } = await import('./commands/routes.js');
      setCode(await runRoutesChange('add', route, routesOptionsSchema.parse(r.opts), r.env));
    });
  common(routes.command('remove <route>'))
    .description('remove one route (or some of its methods), e.g. "DELETE /items/{id}"; every other route stays as it is')
    .option('--allow-replace <kind>', 'let the change delete the user pool (user-pool) when the last secured route goes', collect)
    .option('-y, --yes', 'do not ask: apply the change')
    .option('--no-verify', 'skip the 401/200 proof after the change')
    .action(async (route: string, _o: unknown, cmd: Command) => {
      const r = resolved(env, cmd);
      const { runRoutesChange, routesOptionsSchema } = await import('./commands/routes.js');
      setCode(await runRoutesChange('remove', route, routesOptionsSchema.parse(r.opts), r.env));
    });

  common(program.command('export'))
    .description('write a Postman collection + environment or curl lines for every route, or the stack as Terraform, a CDK app or OpenAPI (no secret in them)')
    .addArgument(new Argument('<format>', 'postman, curl, terraform, cdk or openapi').choices(['postman', 'curl', 'terraform', 'cdk', 'openapi']))
    .option('--out <path>', 'where to write (postman: directory, default "."; curl, openapi: file, default stdout; terraform, cdk: directory, default ./<stack>-<format>)')
    .option('--no-preflight', 'leave the CORS preflight requests out of the Postman collection')
    .action(async (format: string, _o: unknown, cmd: Command) => {
      const r = resolved(env, cmd);
      const { runExport, exportOptionsSchema } = await import('./commands/export.js');
      setCode(await runExport(format, exportOptionsSchema.parse(r.opts), r.env));
    });

  common(program.command('unlock <lockId>'))
    .description('remove the lock a killed or crashed run left on a stack (the "locked by" message names its id), after saying whose it was')
    .action(async (lockId: string, _o: unknown, cmd: Command) => {
      const r = resolved(env, cmd);
      const { runUnlock, unlockOptionsSchema } = await import('./commands/unlock.js');
      setCode(await runUnlock(lockId, unlockOptionsSchema.parse(r.opts), r.env));
    });

  const state = program.command('state').description('move a stack\'s state between this directory and S3, under both locks');
  common(state.command('push'))
    .description('move a stack\'s state from the state directory to S3 (verified before the local file is removed)')
    .requiredOption('--to <url>', 's3://BUCKET/PREFIX')
    .action(async (_o: unknown, cmd: Command) => {
      const r = resolved(env, cmd);
      const { runStateMove, stateMoveOptionsSchema } = await import('./commands/state-move.js');
      setCode(await runStateMove('push', stateMoveOptionsSchema.parse(r.opts), r.env));
    });
  common(state.command('pull'))
    .description('move a stack\'s state from S3 to the state directory (verified before the S3 object is removed)')
    .requiredOption('--from <url>', 's3://BUCKET/PREFIX')
    .action(async (_o: unknown, cmd: Command) => {
      const r = resolved(env, cmd);
      const { runStateMove, stateMoveOptionsSchema } = await import('./commands/state-move.js');
      setCode(await runStateMove('pull', stateMoveOptionsSchema.parse(r.opts), r.env));
    });

  output(program.command('policy'), false)
    .description('print the least-privilege IAM policy secure-api needs (the exact actions its code calls); no AWS call')
    .option('--region <region>', 'scope the ARNs to this region (default: every region)')
    .option('--account <id>', 'scope the ARNs to this 12-digit account (default: every account)')
    .option('--json', 'the policy, and which call needs which action for which command')
    .option('--state <url>', 'add the S3 statements of a shared state at s3://BUCKET/PREFIX (exactly its state and lock keys)')
    .option('--create-bucket', 'with --state: also what --create-bucket needs to make the bucket')
    .option('--stack <name>', 'only this stack: its tag values, and the ARNs its state (in --state-dir) records')
    .option('--state-dir <dir>', 'where --stack\'s state file is (default: .secure-api)')
    .option('--api-id <id>', 'an existing REST API (init --api-id) secure-api may change: it carries no secure-api tags')
    .option('--user-pool-id <id>', 'an existing user pool (init --user-pool-id) secure-api adds its app client and test user to')
    .action(async (_o: unknown, cmd: Command) => {
      const r = resolved(env, cmd);
      const { runPolicy, policyOptionsSchema } = await import('./commands/policy.js');
      setCode(await runPolicy(policyOptionsSchema.parse(r.opts), r.env));
    });

  program.command('version')
    .description('print the version of secure-api (as --version does)')
    .option('--json', 'as {"version": …, "node": …}')
    .action((o: { json?: boolean }) => {
      env.stdout.write(o.json ? `${JSON.stringify({ version: VERSION, node: process.versions.node }, null, 2)}\n` : `${VERSION}\n`);
    });

  program.command('completion')
    .description('print a shell completion script: source <(secure-api completion bash) in ~/.bashrc (zsh: ~/.zshrc; fish: | source)')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']))
    .action(async (shell: string) => {
      const { runCompletion } = await import('./commands/completion.js');
      const tree = (c: Command): CompletionTree => ({
        name: c.name(),
        options: c.options.map((o) => ({ flags: [o.long, o.short].filter((f): f is string => Boolean(f)), takesValue: o.required || o.optional })),
        commands: c.commands.map(tree),
      });
      setCode(runCompletion(shell, tree(program), env));
    });

  withExamples(program);
  anyCaseChoices(program);
  return program;
}

/** Each command's help ends with its examples (src/help-examples.ts). */
function withExamples(cmd: Command, path: string[] = []): void {
  const lines = HELP_EXAMPLES[path.join(' ')];
  if (lines) cmd.addHelpText('after', `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
  for (const sub of cmd.commands) withExamples(sub, [...path, sub.name()]);
}

/** Choices are accepted in any case (`--endpoint-type regional`, `--mfa OPTIONAL`), given to the command as listed. */
function anyCaseChoices(cmd: Command): void {
  const holders: Array<{ argChoices?: string[] | undefined; parseArg?: ((v: string, prev: unknown) => unknown) | undefined }> = [
    ...cmd.options, ...(cmd.registeredArguments as unknown as typeof holders),
  ];
  for (const h of holders) {
    const choices = h.argChoices;
    const parse = h.parseArg;
    if (!choices || !parse) continue;
    h.parseArg = (v, prev) => parse(choices.find((c) => c.toLowerCase() === v.toLowerCase()) ?? v, prev);
  }
  for (const sub of cmd.commands) anyCaseChoices(sub);
}

/** commander's refusal ("error: unknown option '--foo'") as our usage error, with the help of the command it concerns. */
function usageFromCommander(err: Commander.CommanderError, argv: string[], program: Command): UsageError {
  const message = err.message.replace(/^error: /, '');
  const names = new Set(program.commands.flatMap((c) => [c.name(), ...c.aliases()]));
  const words = argv.filter((a) => !a.startsWith('-'));
  const cmd = words.find((w) => names.has(w));
  // `users add` names its own help; `users ad` (no such subcommand) the group's.
  const group = cmd === undefined ? undefined : program.commands.find((c) => c.name() === cmd);
  const next = cmd === undefined ? undefined : words[words.indexOf(cmd) + 1];
  const sub = next !== undefined && group?.commands.some((c) => c.name() === next || c.aliases().includes(next)) ? ` ${next}` : '';
  return new UsageError(message.charAt(0).toLowerCase() + message.slice(1), `Run \`secure-api ${cmd ? `${cmd}${sub} ` : ''}--help\` for usage.`, 'USAGE');
}

const SUBCOMMAND = /\bsecure-api (?=(?:init|deploy|apply|plan|status|destroy|forget|verify|token|users|routes|show|logs|export|policy|version|completion)\b|--help)/g;

/**
 * SECURE_API_COMMAND: how this CLI is run when it is not `secure-api` on PATH (test/support/fake-cli.ts sets it to its
 * own entry), so every hint ("Next: secure-api verify …") can be pasted as printed.
 */
function withCommandName(env: CommandEnv, name: string | undefined): CommandEnv {
  if (!name || name === 'secure-api') return env;
  const rename = (t: string) => t.replace(SUBCOMMAND, `${name} `);
  return Object.assign(Object.create(env) as CommandEnv, { stdout: mapWrites(env.stdout, rename), stderr: mapWrites(env.stderr, rename) });
}

/** `--json` anywhere before `--`: errors then go to stdout as one JSON document too. */
const wantsJson = (argv: string[]): boolean => {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
};

/** `{"error":{code,message,hint}}`, the shape `--json` consumers match on (by code, never by text). */
export function errorJson(err: SecureApiError | Error): { error: { code: string; message: string; hint: string | null; also?: Array<{ code: string; message: string; hint: string | null }> } } {
  // `also`: what failed after the error (the state could not be saved), only when something did.
  return err instanceof SecureApiError
    ? { error: { code: err.code, message: err.message, hint: err.hint ?? null, ...(err.also.length ? { also: err.also.map((a) => ({ code: a.code, message: a.message, hint: a.hint ?? null })) } : {}) } }
    : { error: { code: 'UNEXPECTED', message: err.message, hint: 'Set SECURE_API_DEBUG=1 for the stack trace, and please report it.' } };
}

/** Parse argv and run; returns the exit code. Errors are rendered once, here: text on stderr, or JSON on stdout with --json. */
export async function runCli(argv: string[], rawEnv: CommandEnv, renderError: (err: SecureApiError | Error, stderr: CommandEnv['stderr']) => void): Promise<number> {
  const charset = isUtf8Locale(rawEnv.env) ? rawEnv : asciiStreams(rawEnv);
  const named = withCommandName(charset, rawEnv.env.SECURE_API_COMMAND);
  // A command that printed its document (status --json, then exit 3) keeps it the only one on stdout.
  let printed = false;
  // The stack this run works on, once its command knows it: the commands an error's hint names reach that stack.
  const reach: RunReach = {};
  const env = Object.assign(Object.create(named) as CommandEnv, { stdout: mapWrites(named.stdout, (t) => { printed = true; return t; }), reach });
  let code = 0;
  const program = buildProgram(env, (c) => { code = c; });
  const json = wantsJson(argv);
  const fail = (err: SecureApiError | Error, exitCode: number): number => {
    if (err instanceof SecureApiError && reach.command) err.nameCommands(reach.command);
    if (json && !printed) env.stdout.write(`${JSON.stringify(errorJson(err), null, 2)}\n`);
    else renderError(err, env.stderr);
    return exitCode;
  };
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
      // Help shown because no command was given (`secure-api`, `secure-api users`): a usage error.
      if (err.code === 'commander.help') return err.exitCode === 0 ? 0 : 2;
      return fail(usageFromCommander(err, argv, program), 2);
    }
    if (err instanceof SecureApiError) return fail(err, err.exitCode);
    return fail(err as Error, 1);
  }
}

export { UsageError };
