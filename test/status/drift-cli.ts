/**
 * Drift a stack made with test/support/fake-cli.ts, to try `status` by hand:
 *   npx tsx test/status/drift-cli.ts <drift> [stack]      (in the folder where fake-cli ran)
 * It loads the fake's memory (SECURE_API_FAKE_FILE, default ./.fake-aws.json), changes it through the SDK as someone
 * in the console would, and saves it. Drifts: see DRIFTS in ./drift.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readState, statePath } from '../../src/state/store.js';
import { installAwsFake } from '../fakes/aws-fake.js';
import { DRIFTS, makeDrift, type Drift } from './drift.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const [name, stack = 'secure-api'] = process.argv.slice(2);
if (!DRIFTS.includes(name as Drift)) {
  process.stderr.write(`usage: drift-cli.ts <${DRIFTS.join('|')}> [stack]\n`);
  process.exit(2);
}
const file = resolve(process.env.SECURE_API_FAKE_FILE ?? '.fake-aws.json');
const state = readState(statePath(resolve('.secure-api'), stack));
if (!state) {
  process.stderr.write(`no state file for stack ${stack} in ./.secure-api\n`);
  process.exit(2);
}
const fake = installAwsFake({ deleteRestApiWindowMs: 0 });
fake.load(readFileSync(file, 'utf8'));
await makeDrift(name as Drift, state);
writeFileSync(file, fake.dump());
process.stderr.write(`${name}: ${fake.calls.map((c) => c.command).join(', ')}\n`);
