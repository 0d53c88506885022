/**
 * The docs (issue 21): the command reference and the configuration keys are generated and kept in sync; every
 * Markdown table renders (one header, its separator, the same number of cells on every row, no blank line inside);
 * every relative link resolves to a file of the repository (and its anchor to a heading of that file).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandsMarkdown, configurationMarkdown, docPath } from '../scripts/docs.js';

const root = resolve(import.meta.dirname, '..');
const files = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const read = (f: string) => readFileSync(join(root, f), 'utf8');

/** Lines outside fenced code blocks, with their numbers. */
function prose(text: string): Array<[number, string]> {
  let fence = false;
  return text.split('\n').flatMap((l, i): Array<[number, string]> => {
    if (l.startsWith('```')) { fence = !fence; return []; }
    return fence ? [] : [[i + 1, l]];
  });
}

const cells = (row: string): number => row.trim().replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/).length;
const slug = (h: string): string => h.replace(/^#+\s*/, '').toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, '').trim().replace(/\s/g, '-');

describe('docs', () => {
  it('docs/commands.md is the reference generated from the commander definitions (npm run docs)', () => {
    expect(read('docs/commands.md')).toBe(commandsMarkdown());
  });

  it('docs/configuration.md lists every key of the zod schema (npm run docs)', () => {
    const text = read('docs/configuration.md');
    expect(text).toBe(configurationMarkdown(text));
    for (const key of ['routes[].integration.type', 'userPool.mfa.mode', 'hostedUi.domainPrefix', 'existingApi.id', 'tags']) expect(text).toContain(`\`${key}\``);
  });

  it.each(files)('%s: every table renders', (file) => {
    const lines = prose(read(file));
    for (let k = 0; k < lines.length; k++) {
      const [n, l] = lines[k]!;
      if (!l.startsWith('|') || lines[k - 1]?.[1].startsWith('|')) continue;
      // The first row of a table: a separator must follow, and every row has the header's cell count.
      const sep = lines[k + 1]?.[1] ?? '';
      expect(sep, `${file}:${n} a table needs its |---| line`).toMatch(/^\|(\s*:?-+:?\s*\|)+$/);
      const width = cells(l);
      let j = k + 1;
      for (; j < lines.length && lines[j]![1].startsWith('|'); j++) expect(cells(lines[j]![1]), `${file}:${lines[j]![0]}`).toBe(width);
      // A row after a blank line would start a table of its own, without a header: the blank line broke it.
      if (lines[j]?.[1] === '' && lines[j + 1]?.[1].startsWith('|')) expect(lines[j + 2]?.[1], `${file}:${lines[j + 1]![0]} a blank line breaks the table above`).toMatch(/^\|(\s*:?-+:?\s*\|)+$/);
    }
  });

  it.each(files)('%s: every relative link stays in the repository and resolves', (file) => {
    for (const [n, l] of prose(read(file))) {
      for (const m of l.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/.test(target)) continue;
        const [path, anchor] = target.split('#');
        const full = path ? resolve(dirname(join(root, file)), path) : join(root, file);
        expect(relative(root, full).startsWith('..'), `${file}:${n} links outside the repository: ${target}`).toBe(false);
        expect(existsSync(full), `${file}:${n} ${target}`).toBe(true);
        if (anchor) expect(read(relative(root, full)).split('\n').filter((h) => h.startsWith('#')).map(slug), `${file}:${n} #${anchor}`).toContain(anchor);
      }
    }
  });

  it.each(files)('%s: no example writes exported files into the working tree (--out .)', (file) => {
    expect(read(file)).not.toMatch(/--out \.(\s|$)/m);
  });

  it('the README is read in five minutes: about 200 lines, the internals in docs/', () => {
    const readme = read('README.md');
    expect(readme.split('\n').length).toBeLessThanOrEqual(220);
    expect(readme).not.toMatch(/shared\/DESIGN\.md/);
    // The first command it gives that creates anything is the wizard (which shows the plan first), after a dry run.
    const firstInit = readme.match(/^secure-api init.*$/m)![0];
    expect(firstInit).toMatch(/secure-api init(\s+--dry-run)?\s+#/);
    expect(docPath('commands.md')).toMatch(/docs\/commands\.md$/);
  });
});
