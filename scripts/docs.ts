/**
 * The reference in docs/ that is derived, not written: docs/commands.md from the commander definitions (src/program.ts)
 * and the key table of docs/configuration.md from the zod schema (src/config/schema.ts). `npm run docs` writes them;
 * test/docs.test.ts fails when either is out of date, and when a table would not render.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { StackConfigSchema } from '../src/config/schema.js';
import { HELP_EXAMPLES } from '../src/help-examples.js';
import { buildProgram } from '../src/program.js';

type Program = ReturnType<typeof buildProgram>;
const silent = { write: () => true } as never;

/** A table cell: pipes escaped, angle brackets as entities (else `<name>` is read as an HTML tag), on one line. */
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, ' ');
const code = (s: string): string => `\`${s.replace(/\|/g, '\\|')}\``;

function optionsTable(options: Program['options']): string[] {
  return ['| option | meaning |', '|---|---|', ...options.map((o) => `| ${code(o.flags)} | ${cell(o.description)}${o.argChoices ? ` (one of ${o.argChoices.join(', ')})` : ''} |`)];
}

/** docs/commands.md: every command, its arguments, its own options, its examples; the shared options once. */
export function commandsMarkdown(program: Program = buildProgram({ stdout: silent, stderr: silent } as never, () => {})): string {
  const shared = new Set(program.options.map((o) => o.long));
  const out = [
    '# Command reference',
    '',
    '<!-- Generated from src/program.ts by `npm run docs`; test/docs.test.ts keeps it in sync. Do not edit by hand. -->',
    '',
    program.description(),
    '',
    '## Options of every command',
    '',
    'Every command that talks to AWS or reads state takes these, after its name or before it (`secure-api --stack shop status`).',
    '',
    ...optionsTable(program.options.filter((o) => o.long !== '--version')),
    '',
  ];
  const walk = (cmd: Program, path: string[]): void => {
    for (const sub of cmd.commands) {
      if (sub.name() === 'help') continue;
      const p = [...path, sub.name()];
      const args = sub.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`)).join(' ');
      out.push(`## \`secure-api ${p.join(' ')}${args ? ` ${args}` : ''}\``, '');
      if (sub.aliases().length) out.push(`Also: ${sub.aliases().map((a) => `\`secure-api ${a}\``).join(', ')}.`, '');
      out.push(sub.description(), '');
      for (const a of sub.registeredArguments) out.push(`- \`${a.name()}\`: ${a.description}${a.argChoices ? ` (one of ${a.argChoices.join(', ')})` : ''}`);
      if (sub.registeredArguments.length) out.push('');
      const own = sub.options.filter((o) => !shared.has(o.long));
      if (own.length) out.push(...optionsTable(own), '');
      if (sub.commands.length) out.push(`Subcommands: ${sub.commands.filter((s) => s.name() !== 'help').map((s) => `\`${s.name()}\``).join(', ')}.`, '');
      const examples = HELP_EXAMPLES[p.join(' ')];
      if (examples) out.push('```sh', ...examples, '```', '');
      walk(sub, p);
    }
  };
  walk(program, []);
  return `${out.join('\n').trimEnd()}\n`;
}

interface Js { type?: string; properties?: Record<string, Js>; items?: Js; enum?: unknown[]; const?: unknown; default?: unknown; oneOf?: Js[]; anyOf?: Js[]; required?: string[]; additionalProperties?: unknown }

function typeOf(s: Js): string {
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.type === 'array') return `array of ${s.items ? typeOf(s.items) : 'any'}`;
  if (s.type === 'object' && !s.properties) return 'map of string to string';
  return s.type ?? (s.oneOf ?? s.anyOf ? 'one of the forms below' : 'any');
}

/** One row per key of the configuration file, by its path; each form of a union after its own `type` row. */
function rows(s: Js, path: string, required: boolean, out: string[]): void {
  const isObject = s.type === 'object' && Boolean(s.properties);
  const def = isObject ? '' : s.default === undefined ? (required ? 'required' : '') : code(JSON.stringify(s.default));
  const variants = s.oneOf ?? s.anyOf;
  if (path && !path.endsWith('[]')) out.push(`| ${code(path)} | ${isObject ? 'object' : s.type === 'array' && s.items?.properties ? 'array of objects' : typeOf(s)} | ${def} |`);
  if (s.properties) for (const [k, v] of Object.entries(s.properties)) rows(v, path ? `${path}.${k}` : k, s.required?.includes(k) ?? false, out);
  if (s.type === 'array' && s.items && (s.items.properties ?? s.items.oneOf ?? s.items.anyOf)) rows({ ...s.items, default: undefined }, `${path}[]`, false, out);
  for (const v of variants ?? []) {
    const tag = v.properties?.type?.const;
    const fields = Object.entries(v.properties ?? {}).filter(([k]) => k !== 'type');
    if (tag !== undefined) out.push(`| ${code(`${path}.type`)} | ${JSON.stringify(tag)} | ${fields.length ? `with ${fields.map(([k]) => code(k)).join(', ')}` : ''} |`);
    for (const [k, p] of fields) rows(p, `${path}.${k}`, v.required?.includes(k) ?? false, out);
  }
}

const BEGIN = '<!-- keys: generated from src/config/schema.ts by `npm run docs`; test/docs.test.ts keeps it in sync -->';
const END = '<!-- /keys -->';

/** The key table of docs/configuration.md (between its markers). */
export function configKeysMarkdown(): string {
  const schema = z.toJSONSchema(StackConfigSchema, { io: 'input', unrepresentable: 'any' }) as Js;
  const out = ['| key | type | default |', '|---|---|---|'];
  rows(schema, '', false, out);
  return out.join('\n');
}

/** docs/configuration.md with its key table regenerated (the prose around it kept). */
export function configurationMarkdown(current: string): string {
  const [before, rest] = current.split(BEGIN);
  const after = rest?.split(END)[1];
  if (before === undefined || after === undefined) throw new Error(`docs/configuration.md lacks the ${BEGIN} … ${END} markers`);
  return `${before}${BEGIN}\n${configKeysMarkdown()}\n${END}${after}`;
}

export const docPath = (name: string): string => fileURLToPath(new URL(`../docs/${name}`, import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(docPath('commands.md'), commandsMarkdown());
  writeFileSync(docPath('configuration.md'), configurationMarkdown(readFileSync(docPath('configuration.md'), 'utf8')));
  process.stdout.write('docs/commands.md and docs/configuration.md written\n');
}
