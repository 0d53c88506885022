/**
 * Try the real CLI in a terminal without AWS: `npx tsx test/support/fake-cli.ts init --yes …`.
 * Runs the CLI's own main against the stateful fake, keeping the fake's memory in a file between runs
 * (SECURE_API_FAKE_FILE, default ./.fake-aws.json), so init, status and destroy can follow one another.
 * SECURE_API_FAKE_LATENCY_MS adds a fixed latency to every call. Test support only: src/ knows nothing of it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { main } from '../../src/cli.js';
import { installAwsFake } from '../fakes/aws-fake.js';

const file = resolve(process.env.SECURE_API_FAKE_FILE ?? '.fake-aws.json');
const fake = installAwsFake({ lambdaAssumeFailures: 2, deleteRestApiWindowMs: 0 });
if (existsSync(file)) fake.load(readFileSync(file, 'utf8'));
const latency = Number(process.env.SECURE_API_FAKE_LATENCY_MS ?? 0);
if (latency > 0) fake.setLatency(latency);

const save = () => writeFileSync(file, fake.dump());
// Keep the fake's memory even when the run is interrupted or fails.
process.on('exit', save);
process.env.AWS_ACCESS_KEY_ID ??= 'AKIDEXAMPLE';
process.env.AWS_SECRET_ACCESS_KEY ??= 'fake-secret-for-the-fake';
process.env.AWS_REGION ??= 'us-east-1';
await main(process.argv.slice(2));
