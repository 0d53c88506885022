// After `tsc`: render the top-level help once, at 80 columns, into dist/help.txt, so bin/secure-api.js can answer
// `--help` without loading commander (start-up within 1.5× of bare node). It is commander's own output, so the
// two cannot disagree; bin falls back to commander for terminals narrower than 80 columns.
import { writeFileSync } from 'node:fs';
import { buildProgram } from '../dist/program.js';

const program = buildProgram({ stdout: { write() {} }, stderr: { write() {} } }, () => {});
program.configureOutput({ getOutHelpWidth: () => 80 });
writeFileSync(new URL('../dist/help.txt', import.meta.url), program.helpInformation());
