/**
 * Seed the fake-cli's memory (SECURE_API_FAKE_FILE, default ./.fake-aws.json) with what a team made by hand: the
 * REST API legacy-orders (deployed to prod, open) and the user pool blog-userpool with three users, so
 * `npx tsx test/support/fake-cli.ts init --api-id …` can be tried in a terminal. Prints their ids. Test support only.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { installAwsFake } from '../fakes/aws-fake.js';
import { makeBlogPool, makeLegacyApi } from './legacy-api.js';

const file = resolve(process.env.SECURE_API_FAKE_FILE ?? '.fake-aws.json');
const fake = installAwsFake({ deleteRestApiWindowMs: 0 });
if (existsSync(file)) fake.load(readFileSync(file, 'utf8'));
const stages = process.argv.includes('--two-stages') ? ['prod', 'test'] : ['prod'];
const { apiId } = await makeLegacyApi({ stages });
const poolId = await makeBlogPool();
writeFileSync(file, fake.dump());
process.stdout.write(`api ${apiId}\npool ${poolId}\n`);
