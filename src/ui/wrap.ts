export const visible = (s: string): number => s.replace(/\x1b\[[0-9;]*m/g, '').length;

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
