import { dnsSuffix } from '../aws/region.js';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { commonOptionsSchema } from './common-options.js';
import { UsageError } from '../errors.js';
import { buildCurlLines, buildPostmanCollection, buildPostmanEnvironment, clientSecretCommand, type ExportInput } from '../verify/export.js';
import { checkCommon, makeUi, type CommandEnv } from './env.js';
import { requireBaseUrl, stackTarget } from './stack-target.js';
import { loadStack } from './stack-state.js';

export const exportOptionsSchema = commonOptionsSchema.extend({
  out: z.string().min(1).optional(),
  preflight: z.boolean().optional(),
});
export type ExportOptions = z.infer<typeof exportOptionsSchema>;

export const EXPORT_FORMATS = ['postman', 'curl', 'terraform', 'cdk', 'openapi'] as const;
/** Into the user's infrastructure code (issue 22): src/commands/export-iac.ts. */
const IAC = new Set<string>(['terraform', 'cdk', 'openapi']);

/** `export postman|curl`: from the state file only (no AWS call, no secret). Postman writes two files (in --out, default "."); curl prints unless --out. */
export async function runExport(format: string, o: ExportOptions, env: CommandEnv): Promise<number> {
  checkCommon(o);
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown export format "${format}": use ${EXPORT_FORMATS.join(', ')}`);
  if (IAC.has(format)) {
    const { runIacExport } = await import('./export-iac.js');
    return runIacExport(format as 'terraform' | 'cdk' | 'openapi', o, env);
  }
  const ui = await makeUi(env, o.json);
  const t = stackTarget(o, env, await loadStack(o, env));
  const baseUrl = requireBaseUrl(t);
  const stack = t.loaded.stack;
  const clientId = t.pool?.clientId;
  const callbackUrl = t.hostedUi?.callbackUrls[0];
  const appClient = (t.loaded.state.config as { appClient?: { type?: string; authFlows?: string[] } }).appClient;
  const confidential = appClient?.type === 'confidential';
  // The "sign in" request uses USER_PASSWORD_AUTH: only for a client that allows it (off by default: the hosted UI's code flow with PKCE instead).
  const passwordSignIn = appClient?.authFlows?.includes('ALLOW_USER_PASSWORD_AUTH') ?? false;
  const cognitoUrl = t.aws.endpointUrl ? t.aws.endpointUrl.replace(/\/+$/, '') : `https://cognito-idp.${t.aws.region}.${dnsSuffix(t.aws.region)}`;
  const input: ExportInput = {
    stack, reach: t.reach, baseUrl, routes: t.routes, preflight: o.preflight ?? true,
    ...(clientId && passwordSignIn ? { client: { clientId, confidential, cognitoUrl } } : {}),
    ...(t.hostedUi && clientId && callbackUrl ? { oauth: { hostedUiBaseUrl: t.hostedUi.baseUrl, clientId, scopes: t.hostedUi.scopes, callbackUrl } } : {}),
  };
  const files: Array<{ path: string; text: string; mode: number }> = [];
  const dir = resolve(env.cwd, o.out ?? '.');
  if (format === 'postman') {
    files.push({ path: join(dir, `${stack}.postman_collection.json`), text: JSON.stringify(buildPostmanCollection(input), null, 2) + '\n', mode: 0o644 });
    files.push({ path: join(dir, `${stack}.postman_environment.json`), text: JSON.stringify(buildPostmanEnvironment(input), null, 2) + '\n', mode: 0o644 });
  } else {
    const text = buildCurlLines(input).join('\n') + '\n';
    if (o.out === undefined) {
      if (ui.mode === 'json') ui.json({ stack, format, lines: text.trimEnd().split('\n') });
      else env.stdout.write(text);
      return 0;
    }
    files.push({ path: join(dir, `${stack}.curl.sh`), text, mode: 0o755 });
  }
  mkdirSync(dir, { recursive: true });
  for (const f of files) {
    writeFileSync(f.path, f.text, { mode: f.mode });
    chmodSync(f.path, f.mode);
  }
  // A confidential client's secret is never exported: say which command reads it and where it goes.
  const secretCommand = format === 'postman' && confidential && t.pool
    ? clientSecretCommand({ userPoolId: t.pool.userPoolId, clientId: t.pool.clientId, region: t.aws.region, profile: t.aws.profile, endpointUrl: t.loaded.state.endpointUrl })
    : undefined;
  if (ui.mode === 'json') {
    ui.json({ stack, format, files: files.map((f) => f.path), ...(secretCommand ? { clientSecret: { variable: 'client_secret', command: secretCommand } } : {}) });
  } else {
    for (const f of files) ui.out(f.path);
    ui.reporter.info(format === 'postman'
      ? 'Import both into Postman, then either set the environment\'s username and password (a user of the pool: `secure-api users add`) and the "sign in" request fetches the id token, or put one in id_token yourself (`secure-api token`, or the collection\'s "Get New Access Token" → copy id_token), and run the collection.'
      : `Run it with: ID_TOKEN="$(secure-api token --stack ${stack}${t.reach})" sh ${files[0]?.path ?? ''}`);
    if (secretCommand) {
      ui.reporter.info(`The app client is confidential: its secret is not in these files. Paste it into the environment variable client_secret (already typed secret, so Postman masks it); read it with:\n  ${secretCommand}`);
    }
  }
  return 0;
}
