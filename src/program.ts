import { Command, CommanderError, Option } from 'commander';
import { SecureApiError, UsageError } from './errors.js';
import type { CommandEnv } from './commands/env.js';

export const VERSION = '0.1.0';

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

  common(program.command('init'))
    .description('create the stack: REST API, routes, Lambda, user pool, app client, hosted UI, authorizer, stage')
    .option('--config <file>', 'a JSON stack configuration (every wizard answer is a key)')
    .option('--route <"METHODS /path">', 'a route, e.g. "GET,POST /items" or "GET /items/{id}"; repeatable', collect)
    .addOption(new Option('--app-client <type>', 'app client type').choices(['public', 'confidential']))
    .option('--no-hosted-ui', 'no hosted UI domain')
    .option('--domain-prefix <prefix>', 'hosted UI domain prefix (default: <stack>-<6 random chars>)')
    .option('--stage <name>', 'stage name (default: dev)')
    .option('--save-config <file>', 'write the full configuration to a file that reproduces this run with --yes')
    .option('--no-verify', 'skip the 401/200 proof after creating')
    .option('-y, --yes', 'do not ask: take defaults for what flags and --config leave open, and create')
    .option('--dry-run', 'print the plan and the AWS calls it would make; needs no credentials')
    .action(async (opts: Record<string, unknown>) => {
      const { runInitCommand } = await import('./commands/init-command.js');
      setCode(await runInitCommand(opts, env));
    });

  common(program.command('status'))
    .description('what exists, live; what drifted; the URLs to use')
    .option('--offline', 'show the state file only, with no AWS call')
    .action(async (opts: Record<string, unknown>) => {
      const { runStatus, statusOptionsSchema } = await import('./commands/status.js');
      setCode(await runStatus(statusOptionsSchema.parse(opts), env));
    });

  common(program.command('destroy'))
    .description('remove everything the state file names, newest first')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(async (opts: Record<string, unknown>) => {
      const { runDestroy, destroyOptionsSchema } = await import('./commands/destroy.js');
      setCode(await runDestroy(destroyOptionsSchema.parse(opts), env));
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
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
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
