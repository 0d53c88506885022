/** `secure-api version` and `secure-api completion bash|zsh|fish` (issue 21): scripts derived from the commander definitions. */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram, VERSION } from '../../src/program.js';
import { runSecureApi, tempDir } from '../support/harness.js';

const program = buildProgram({ stdout: { write() { return true; } }, stderr: { write() { return true; } } } as never, () => {});

/** What bash completes after `words` (the last one being typed), with the script sourced. */
function complete(script: string, words: string[]): string[] {
  const file = join(tempDir(), 'c.bash');
  writeFileSync(file, script);
  const arr = ['secure-api', ...words].map((w) => `'${w}'`).join(' ');
  const out = execFileSync('bash', ['-c', `source ${file}; COMP_WORDS=(${arr}); COMP_CWORD=${words.length}; _secure_api; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

describe('secure-api version', () => {
  it('prints the version, as --version does', async () => {
    expect((await runSecureApi(['version'])).stdout).toBe(`${VERSION}\n`);
    expect((await runSecureApi(['--version'])).stdout).toBe(`${VERSION}\n`);
    expect(JSON.parse((await runSecureApi(['version', '--json'])).stdout)).toEqual({ version: VERSION, node: process.versions.node });
  });
});

describe('secure-api completion', () => {
  it('bash completes every command, every subcommand and every option of each, skipping option values', async () => {
    const r = await runSecureApi(['completion', 'bash']);
    expect(r.code).toBe(0);
    expect(complete(r.stdout, [''])).toEqual(expect.arrayContaining(program.commands.map((c) => c.name())));
    for (const c of program.commands) {
      const flags = c.options.map((o) => o.long!);
      const subs = c.commands.map((s) => s.name());
      expect(complete(r.stdout, [c.name(), '']), c.name()).toEqual(expect.arrayContaining([...subs, ...flags]));
      for (const s of c.commands) expect(complete(r.stdout, [c.name(), s.name(), '--']), `${c.name()} ${s.name()}`).toEqual(expect.arrayContaining(s.options.map((o) => o.long!)));
    }
    // A value after an option is not taken for the command: `--stack demo routes` still completes routes' subcommands.
    expect(complete(r.stdout, ['--stack', 'demo', 'routes', 'a'])).toEqual(['add']);
    expect(complete(r.stdout, ['init', '--stack', ''])).toEqual([]);
    expect(complete(r.stdout, ['init', '--mf'])).toEqual(['--mfa']);
  });

  it('zsh uses the same words through bashcompinit; fish lists each command and option', async () => {
    const zsh = (await runSecureApi(['completion', 'ZSH'])).stdout;
    expect(zsh).toContain('bashcompinit');
    expect(zsh).toContain('complete -o default -F _secure_api secure-api');
    const fish = (await runSecureApi(['completion', 'fish'])).stdout;
    for (const c of program.commands) {
      expect(fish).toContain(c.name());
      for (const o of c.options) expect(fish).toContain(`-n '__fish_seen_subcommand_from ${c.name()}' -l ${o.long!.slice(2)}`);
    }
    const bad = await runSecureApi(['completion', 'powershell']);
    expect(bad.code).toBe(2);
  });
});

describe('help', () => {
  it('every command and subcommand ends its help with an Examples block of real invocations', async () => {
    const walk = (c: typeof program, path: string[]): string[][] => [path, ...c.commands.filter((s) => s.name() !== 'help').flatMap((s) => walk(s, [...path, s.name()]))];
    for (const path of walk(program, [])) {
      const r = await runSecureApi([...path, '--help']);
      expect(r.code, path.join(' ')).toBe(0);
      const examples = r.stdout.split('\nExamples:\n')[1];
      expect(examples, `${path.join(' ') || '(top)'} has Examples`).toBeDefined();
      for (const line of examples!.trimEnd().split('\n')) expect(line).toMatch(/^ {2}(secure-api|curl|source|secure-api completion)\b/);
      if (path.length) expect(examples).toContain(`secure-api ${path.join(' ')}`);
    }
  });

  it('a mistyped command is answered with the one it was probably meant to be', async () => {
    for (const [typed, meant] of [['verfy', 'verify'], ['shwo', 'show'], ['rotues', 'routes'], ['versoin', 'version']]) {
      const r = await runSecureApi([typed!]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`(Did you mean ${meant}?)`);
    }
  });
});
