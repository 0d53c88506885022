import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isUtf8Locale, mapWrites, toAscii } from './charset.js';

class Sink extends Writable {
  text = '';
  isTTY = true;
  columns = 80;
  override _write(chunk: Buffer, _e: string, cb: () => void): void { this.text += chunk.toString(); cb(); }
}

describe('charset', () => {
  it('decides UTF-8 from LC_ALL, then LC_CTYPE, then LANG; none set is UTF-8', () => {
    expect(isUtf8Locale({})).toBe(true);
    expect(isUtf8Locale({ LANG: 'C' })).toBe(false);
    expect(isUtf8Locale({ LANG: 'en_US.UTF-8', LC_ALL: 'POSIX' })).toBe(false);
    expect(isUtf8Locale({ LANG: 'C', LC_CTYPE: 'de_DE.utf8' })).toBe(true);
  });

  it('spells the glyphs in ASCII, box-drawing one for one', () => {
    expect(toAscii('┌─┬─┐ ✓ ✗ fn ← API Gateway … — x')).toBe('+-+-+ + x fn <- API Gateway ... - x');
  });

  it('a write hook assigned to the stream (as ora does) runs in front of the mapping, without recursion', () => {
    const sink = new Sink();
    const s = mapWrites(sink, (t) => t.toUpperCase());
    const original = s.write;
    const seen: string[] = [];
    s.write = ((chunk: string) => { seen.push(chunk); return (original as (c: string) => boolean)(chunk); }) as typeof s.write;
    s.write('spinner\n');
    s.write = original;
    s.write('after\n');
    expect(seen).toEqual(['spinner\n']);
    expect(sink.text).toBe('SPINNER\nAFTER\n');
    expect(s.isTTY).toBe(true);
    expect(s.columns).toBe(80);
  });
});
