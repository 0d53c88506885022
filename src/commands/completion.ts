import { UsageError } from '../errors.js';
import type { CommandEnv } from './env.js';

/** A command as completion sees it: its name, its options (and whether each takes a value), its subcommands. */
export interface CompletionTree {
  name: string;
  options: Array<{ flags: string[]; takesValue: boolean }>;
  commands: CompletionTree[];
}

const SHELLS = ['bash', 'zsh', 'fish'] as const;

const flagsOf = (t: CompletionTree): string[] => t.options.flatMap((o) => o.flags);
const valued = (t: CompletionTree): string[] => [t, ...t.commands, ...t.commands.flatMap((c) => c.commands)].flatMap((c) => c.options.filter((o) => o.takesValue).flatMap((o) => o.flags));

/** bash (and zsh through bashcompinit): the words that can follow what is typed, from the commander definitions. */
function bash(root: CompletionTree): string {
  const cases: string[] = [`    "") words="${[...root.commands.map((c) => c.name), ...flagsOf(root)].join(' ')}" ;;`];
  for (const c of root.commands) {
    cases.push(`    "${c.name}") words="${[...c.commands.map((s) => s.name), ...flagsOf(c)].join(' ')}" ;;`);
    for (const s of c.commands) cases.push(`    "${c.name} ${s.name}") words="${flagsOf(s).join(' ')}" ;;`);
  }
  return `# secure-api completion for bash: source <(secure-api completion bash)
_secure_api() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" path="" skip="" w words=""
  case " ${valued(root).join(' ')} " in *" $prev "*) COMPREPLY=(); return 0 ;; esac
  for w in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    if [ -n "$skip" ]; then skip=""; continue; fi
    case " ${valued(root).join(' ')} " in *" $w "*) skip=1; continue ;; esac
    case "$w" in -*) ;; *) case "$path" in "") path="$w" ;; *" "*) ;; *) path="$path $w" ;; esac ;; esac
  done
  case "$path" in
${cases.join('\n')}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _secure_api secure-api
`;
}

function fish(root: CompletionTree): string {
  const lines = ['# secure-api completion for fish: secure-api completion fish | source', 'complete -c secure-api -f'];
  const opt = (cond: string, o: CompletionTree['options'][number]) => {
    const long = o.flags.find((f) => f.startsWith('--'))?.slice(2);
    const short = o.flags.find((f) => /^-[^-]$/.test(f))?.slice(1);
    return `complete -c secure-api -n '${cond}'${long ? ` -l ${long}` : ''}${short ? ` -s ${short}` : ''}${o.takesValue ? ' -r' : ''}`;
  };
  lines.push(`complete -c secure-api -n '__fish_use_subcommand' -a '${root.commands.map((c) => c.name).join(' ')}'`);
  for (const o of root.options) lines.push(opt('__fish_use_subcommand', o));
  for (const c of root.commands) {
    if (c.commands.length) {
      const none = `__fish_seen_subcommand_from ${c.name}; and not __fish_seen_subcommand_from ${c.commands.map((s) => s.name).join(' ')}`;
      lines.push(`complete -c secure-api -n '${none}' -a '${c.commands.map((s) => s.name).join(' ')}'`);
      for (const s of c.commands) for (const o of s.options) lines.push(opt(`__fish_seen_subcommand_from ${c.name}; and __fish_seen_subcommand_from ${s.name}`, o));
    }
    for (const o of c.options) lines.push(opt(`__fish_seen_subcommand_from ${c.name}`, o));
  }
  return `${lines.join('\n')}\n`;
}

/** `secure-api completion bash|zsh|fish`: a script for the shell, printed on stdout. */
export function runCompletion(shell: string, root: CompletionTree, env: CommandEnv): number {
  if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError(`completion: "${shell}" is not one of ${SHELLS.join(', ')}`);
  const text = shell === 'fish' ? fish(root)
    : shell === 'zsh' ? `# secure-api completion for zsh: source <(secure-api completion zsh)\nautoload -U +X bashcompinit && bashcompinit\n${bash(root).split('\n').slice(1).join('\n')}`
      : bash(root);
  env.stdout.write(text);
  return 0;
}
