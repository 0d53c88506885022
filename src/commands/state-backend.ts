import { defaultRegion } from '../aws/region.js';
import type { StateBackend } from '../state/backend.js';
import { LocalStateBackend } from '../state/local-backend.js';
import { resolveStateLocation, STATE_ENV, type StateLocation } from '../state/location.js';
import type { CommandEnv, CommonOptions } from './env.js';
import { targetArgs } from './stack-session.js';

/** Where this command's state lives: --state, SECURE_API_STATE, "state" in the config file, --state-dir. */
export function stateLocation(o: CommonOptions, env: CommandEnv, fileState?: string): StateLocation {
  return resolveStateLocation({ flag: o.state, env: env.env[STATE_ENV], file: fileState, stateDir: o.stateDir, cwd: env.cwd });
}

/** The backend for a location; the S3 one (and the S3 SDK) is loaded only for an s3:// location. */
export async function openBackend(o: CommonOptions, env: CommandEnv, warn?: (msg: string) => void, location = stateLocation(o, env)): Promise<StateBackend> {
  const say = warn ?? ((m: string) => { env.stderr.write(`${m}\n`); });
  if (location.kind === 'local') return new LocalStateBackend(location.dir, env.cwd, say, targetArgs(o, 'local'));
  const { S3StateBackend } = await import('../state/s3-backend.js');
  return new S3StateBackend({
    bucket: location.bucket,
    prefix: location.prefix,
    region: o.region ?? defaultRegion(env.env, o.profile).region,
    profile: o.profile,
    endpointUrl: o.endpointUrl ?? env.env.AWS_ENDPOINT_URL,
    createBucket: o.createBucket,
    targetArgs: targetArgs(o, 's3'),
    warn: say,
    // Not cut short by Ctrl-C: the last save and the lock's release must still get through.
    sleep: env.sleep,
    now: env.now,
  });
}
