import { describe, expect, it } from 'vitest';
import { qrModules, renderQr } from './qr.js';

const URI = 'otpauth://totp/secure-api%20demo%3Aalice?secret=JBSWY3DPEHPK3PXP&issuer=secure-api+demo&algorithm=SHA1&digits=6&period=30';

/** Read the drawing back into modules: UTF-8 half blocks hold two rows a line; light modules are drawn. */
function unrender(text: string, utf8: boolean): boolean[][] {
  const lines = text.split('\n');
  const rows: boolean[][] = [];
  if (utf8) {
    for (const line of lines) {
      const chars = [...line];
      rows.push(chars.map((ch) => !(ch === '█' || ch === '▀')));
      rows.push(chars.map((ch) => !(ch === '█' || ch === '▄')));
    }
  } else {
    for (const line of lines) rows.push(line.match(/../g)!.map((p) => p !== '##'));
  }
  return rows;
}

describe('renderQr', () => {
  it.each([true, false])('draws exactly the modules of the code, with a light quiet zone (utf8 %s)', (utf8) => {
    const modules = qrModules(URI);
    const n = modules.length;
    const drawn = unrender(renderQr(URI, { utf8 }), utf8);
    // The quiet zone of 2 around, then the code itself.
    expect(drawn[0]!.every((dark) => !dark)).toBe(true);
    const inner = drawn.slice(2, 2 + n).map((row) => row.slice(2, 2 + n));
    expect(inner).toEqual(modules);
    // A finder pattern at the top left: a dark 7×7 ring.
    expect(modules[0]!.slice(0, 7).every(Boolean)).toBe(true);
  });

  it('stays within a terminal: one character column per module on UTF-8', () => {
    const n = qrModules(URI).length;
    expect(renderQr(URI, { utf8: true }).split('\n')[0]).toHaveLength(n + 4);
  });
});
