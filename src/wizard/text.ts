import type { Style } from './types.js';

const visible = (s: string): number => s.replace(/\x1b\[[0-9;]*m/g, '').length;

/** Wrap text to a width (colour codes take no room), continuation lines under the first one's indent plus `indent`. */
export function wrap(text: string, width: number, indent = ''): string {
  const max = Math.max(20, width);
  return text.split('\n').map((para) => {
    const lead = /^\s*/.exec(para)?.[0] ?? '';
    const words = para.trim().split(/\s+/).filter(Boolean);
    const lines: string[] = [];
    let line = lead;
    for (const w of words) {
      const candidate = line.trim() === '' ? lead + w : `${line} ${w}`;
      if (visible(candidate) > max && line.trim() !== '') {
        lines.push(line);
        line = lead + indent + w;
      } else line = candidate;
    }
    lines.push(line);
    return lines.join('\n');
  }).join('\n');
}

export const STEP_COUNT = 6;

/** "Step 2 of 6 · Resources and methods", then the walkthrough's own words for it, dimmed. */
export function stepHeading(n: number, title: string, lead: string, style: Style, width: number): string {
  const head = style.bold(style.cyan(`Step ${n} of ${STEP_COUNT} · ${title}`));
  return `\n${head}\n${style.dim(wrap(lead, width))}`;
}

/** A question flags or --config already answered: shown, not asked. */
export function givenLine(label: string, value: string, style: Style): string {
  return style.dim(`✔ ${label} ${value} (given)`);
}

export function warnLine(text: string, style: Style, width: number): string {
  return style.yellow(wrap(`! ${text}`, width, '  '));
}

export function noteLine(text: string, style: Style, width: number): string {
  return style.dim(wrap(`  ${text}`, width));
}

/** ["a", "b", "c"] → "a, b and c". */
export function listing(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
