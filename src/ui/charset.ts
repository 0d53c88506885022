import type { Streams } from './output.js';

/**
 * Whether the terminal's locale is UTF-8, as the C library decides it: LC_ALL, then LC_CTYPE, then LANG, the first
 * one set. None set: assume UTF-8 (what terminals default to today); an explicit C/POSIX or other charset is not.
 */
export function isUtf8Locale(env: NodeJS.ProcessEnv): boolean {
  const locale = [env.LC_ALL, env.LC_CTYPE, env.LANG].find((v) => v !== undefined && v !== '');
  return locale === undefined || /utf-?8/i.test(locale);
}

// One character for one where the glyph sits in a table (alignment), more where it does not.
const ASCII: Record<string, string> = {
  '┌': '+', '┬': '+', '┐': '+', '├': '+', '┼': '+', '┤': '+', '└': '+', '┴': '+', '┘': '+', '─': '-', '│': '|',
  '╔': '+', '╗': '+', '╚': '+', '╝': '+', '═': '=', '║': '|', '╟': '+', '╢': '+', '╤': '+', '╧': '+', '╪': '+',
  '✓': '+', '✔': '+', '✗': 'x', '✖': 'x', '✘': 'x', '•': '*', '·': '-', '…': '...', '←': '<-', '→': '->', '↳': '->',
  '—': '-', '–': '-', '‘': "'", '’': "'", '“': '"', '”': '"', '×': 'x', '≥': '>=', '≤': '<=', '½': '1/2', '❯': '>', '›': '>',
};

/** Text with the glyphs we print spelled in ASCII; anything else outside ASCII becomes "?". */
export function toAscii(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[^\x00-\x7f]/g, (ch) => ASCII[ch] ?? '?');
}

/** Streams that write ASCII only (the terminal is not UTF-8); isTTY and columns are those of the real ones. */
export function asciiStreams<S extends Streams>(s: S): S {
  const wrap = (stream: Streams['stdout']): Streams['stdout'] => new Proxy(stream, {
    get(target, prop) {
      if (prop === 'write') {
        return (chunk: unknown, ...rest: unknown[]) => (target.write as (c: unknown, ...r: unknown[]) => boolean)(
          typeof chunk === 'string' ? toAscii(chunk) : Buffer.isBuffer(chunk) ? toAscii(chunk.toString('utf8')) : chunk, ...rest);
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  // A prototype link, not a spread: a spread would run getters (cli.ts's lazy stdin) now.
  return Object.assign(Object.create(s) as S, { stdout: wrap(s.stdout), stderr: wrap(s.stderr) });
}
