import type { Style } from './types.js';

import { wrap } from '../ui/wrap.js';

export { wrap };

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
