/**
 * Try the real CLI in a terminal without AWS: `npx tsx test/support/fake-cli.ts init --yes …`.
 * Runs the CLI's own main against the stateful fake, keeping the fake's memory in a file between runs
 * (SECURE_API_FAKE_FILE, default ./.fake-aws.json), so init, status, verify and destroy can follow one another.
 * The fake's data plane (a loopback server answering like the deployed stage, from the fake's memory) listens on
 * SECURE_API_FAKE_PORT (default 4599) and is passed as AWS_ENDPOINT_URL, so invoke URLs take LocalStack's form and
 * land on it: `verify` then really calls the API. SECURE_API_FAKE_LATENCY_MS adds a fixed latency to every call.
 * Test support only: src/ knows nothing of it.
 *
 * The memory is written (atomically) after every call that changes something, before the CLI sees the answer, so a
 * process killed at any moment (SIGKILL included) leaves the file as "AWS" is: what a call did is kept even when the
 * process dies before it could journal the answer (the reliability tests kill it on purpose).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { STSClient } from '@aws-sdk/client-sts';
import { main } from '../../src/cli.js';
import { installAwsFake } from '../fakes/aws-fake.js';
import { startFakeDataPlane } from '../fakes/data-plane.js';

const file = resolve(process.env.SECURE_API_FAKE_FILE ?? '.fake-aws.json');
const fake = installAwsFake({ lambdaAssumeFailures: 2, deleteRestApiWindowMs: 0 });
if (existsSync(file)) fake.load(readFileSync(file, 'utf8'));
const latency = Number(process.env.SECURE_API_FAKE_LATENCY_MS ?? 0);
if (latency > 0) fake.setLatency(latency);

/** Temp file + rename: a kill mid-write never leaves half a file. */
const save = () => {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, fake.dump());
  renameSync(tmp, file);
};
// Wrap the fake's `send` on every client prototype: persist the memory as soon as a changing call has acted. Reads
// are not saved, so a second process that only looks (and is refused the stack's lock) never writes a stale copy.
const READ_ONLY = /^(Get|List|Describe)/;
type Send = (this: unknown, command: { constructor: { name: string } }, ...rest: unknown[]) => Promise<unknown>;
for (const C of [APIGatewayClient, CognitoIdentityProviderClient, IAMClient, LambdaClient, ResourceGroupsTaggingAPIClient, STSClient]) {
  const proto = C.prototype as unknown as { send: Send };
  const send = proto.send;
  proto.send = async function (this: unknown, command, ...rest) {
    try {
      return await send.call(this, command, ...rest);
    } finally {
      if (!READ_ONLY.test(command.constructor.name)) save();
    }
  };
}
process.env.AWS_ACCESS_KEY_ID ??= 'AKIDEXAMPLE';
process.env.AWS_SECRET_ACCESS_KEY ??= 'fake-secret-for-the-fake';
process.env.AWS_REGION ??= 'us-east-1';
const port = Number(process.env.SECURE_API_FAKE_PORT ?? 4599);
// A busy port (another fake-cli, parallel tests) falls back to any free one: this run's invoke URLs still work.
const plane = await startFakeDataPlane(fake, { port }).catch(() => startFakeDataPlane(fake, { port: 0 }));
process.env.AWS_ENDPOINT_URL ??= plane.url;
try {
  await main(process.argv.slice(2));
} finally {
  await plane.close();
}
