import { runCli } from './program.js';
import { renderError } from './ui/render-error.js';
import { isUtf8Locale } from './ui/charset.js';
import type { CommandEnv } from './commands/env.js';

/** The real world: process streams, signals, clock. The only module that touches process.exit. */
export function processEnv(): CommandEnv {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) {
      process.stderr.write(`\n${sig} again: exiting now. The state file may lag the last call; re-run init or destroy to reconcile.\n`);
      process.exit(130);
    }
    process.stderr.write(`\n${sig}: stopping; nothing new is started, calls in flight finish (press Ctrl-C again to quit at once)…\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // A getter: creating process.stdin costs start-up time, and --help never reads it.
    get stdin() { return process.stdin; },
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
    now: () => Date.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    prompter: async () => {
      const { InquirerPrompter } = await import('./ui/inquirer-prompter.js');
      // Questions on stderr, as progress is: stdout holds only results (`TOKEN=$(secure-api token)` must not catch a prompt).
      return new InquirerPrompter({ signal: controller.signal, output: process.stderr });
    },
    spinner: async () => {
      const { default: ora } = await import('ora');
      // Braille dots need UTF-8; a plain |/-\\ otherwise.
      const spinner = isUtf8Locale(process.env) ? undefined : 'line' as const;
      return (o) => ora({ text: o.text, stream: o.stream as NodeJS.WriteStream, discardStdin: false, ...(spinner ? { spinner } : {}) });
    },
  };
}

export async function main(argv = process.argv.slice(2)): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const env = processEnv();
  const code = await runCli(argv, env, (e, stderr) => renderError(stderr, e, env.env));
  process.exitCode = code;
  // Interrupted runs exit now rather than waiting for sockets kept alive by the SDK.
  if (code === 130) process.exit(code);
}
