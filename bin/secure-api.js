#!/usr/bin/env node
// CommonJS (bin/package.json): `--version` and `--help` answer before Node starts its ES module loader; the CLI
// itself is ESM. The help text is commander's own, rendered at build time (scripts/render-help.mjs).
'use strict';

const argv = process.argv.slice(2);
const only = (...flags) => argv.length === 1 && flags.includes(argv[0]);
const wideEnough = !process.stdout.isTTY || (process.stdout.columns ?? 80) >= 80;
let help;
if (only('--help', '-h') && wideEnough) {
  try {
    help = require('node:fs').readFileSync(require('node:path').join(__dirname, '../dist/help.txt'), 'utf8');
  } catch {
    help = undefined;
  }
}
if (only('--version', '-v')) {
  process.stdout.write(`${require('../package.json').version}\n`);
} else if (help !== undefined) {
  process.stdout.write(help);
} else {
  import('../dist/cli.js').then(({ main }) => main(argv));
}
