import qrcode from 'qrcode-generator';

/**
 * A QR code for a terminal, light modules drawn and dark ones left blank, so on a dark terminal it reads as dark on
 * light, with a quiet zone of 2 modules. UTF-8: half blocks, two rows of modules per line; otherwise "##" per module.
 */
export function renderQr(text: string, o: { utf8: boolean }): string {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const n = qr.getModuleCount();
  const margin = 2;
  const light = (r: number, c: number): boolean => r < 0 || c < 0 || r >= n || c >= n || !qr.isDark(r, c);
  const lines: string[] = [];
  if (o.utf8) {
    for (let r = -margin; r < n + margin; r += 2) {
      let line = '';
      for (let c = -margin; c < n + margin; c++) {
        const top = light(r, c);
        const bottom = r + 1 < n + margin ? light(r + 1, c) : false;
        line += top && bottom ? '█' : top ? '▀' : bottom ? '▄' : ' ';
      }
      lines.push(line);
    }
  } else {
    for (let r = -margin; r < n + margin; r++) {
      let line = '';
      for (let c = -margin; c < n + margin; c++) line += light(r, c) ? '##' : '  ';
      lines.push(line);
    }
  }
  return lines.join('\n');
}

/** The modules of the QR code for `text` (true = dark), for tests that decode what was drawn. */
export function qrModules(text: string): boolean[][] {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const n = qr.getModuleCount();
  return Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => qr.isDark(r, c)));
}
