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

/** A stream whose writes pass through `map` first; isTTY, columns and the rest are the real stream's. */
export function mapWrites<W extends Streams['stdout']>(stream: W, map: (text: string) => string): W {
  const mapped = (chunk: unknown, ...rest: unknown[]) => (stream.write as (c: unknown, ...r: unknown[]) => boolean)(
    typeof chunk === 'string' ? map(chunk) : Buffer.isBuffer(chunk) ? map(chunk.toString('utf8')) : chunk, ...rest);
  // ora hooks `write` by assigning it: the hook is kept here, in front of `mapped`, not put on the real stream
  // (where it would call back into `mapped`, which calls the real stream's write: itself).
  let assigned: unknown;
  return new Proxy(stream, {
    get(target, prop) {
      if (prop === 'write') return assigned ?? mapped;
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
    set(target, prop, value: unknown) {
      if (prop === 'write') {
        assigned = value === mapped ? undefined : value;
        return true;
      }
      return Reflect.set(target, prop, value, target);
    },
  });
}

/** Streams that write ASCII only (the terminal is not UTF-8). */
export function asciiStreams<S extends Streams>(s: S): S {
  // A prototype link, not a spread: a spread would run getters (cli.ts's lazy stdin) now.
  return Object.assign(Object.create(s) as S, { stdout: mapWrites(s.stdout, toAscii), stderr: mapWrites(s.stderr, toAscii) });
}
