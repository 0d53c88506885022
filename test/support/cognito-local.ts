/**
 * cognito-local (https://github.com/jagregory/cognito-local) as a child process on a free loopback port,
 * in a fresh temp directory (its data goes to ./.cognito there), stopped and removed after.
 *
 * Limits that matter to us: no user pool domains, identity providers or tags; password policies and
 * SECRET_HASH are not enforced; tokens are RS256 (kid "CognitoLocal") with the JWKS at
 * `/<poolId>/.well-known/jwks.json` and issuer `http://127.0.0.1:PORT/<poolId>`. It does serve the hosted-UI
 * endpoints `/oauth2/authorize` (a login form) and `/oauth2/token` (authorization_code with PKCE S256).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './ports.js';
import {
  CognitoIdentityProviderClient, CreateUserPoolClientCommand, CreateUserPoolCommand, type CreateUserPoolClientCommandInput,
  type CreateUserPoolCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';

const START_JS = resolve(import.meta.dirname, '../../node_modules/cognito-local/lib/bin/start.js');

export interface CognitoLocal {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  port: number;
  /** An SDK client pointed at it (any credentials). */
  client: CognitoIdentityProviderClient;
  issuer(userPoolId: string): string;
  jwksUri(userPoolId: string): string;
  /** Create a pool; `UsernameAttributes: ['email']` unless given (cognito-local's default too). */
  createPool(input?: Partial<CreateUserPoolCommandInput>): Promise<string>;
  /** Create an app client allowing USER_PASSWORD_AUTH; `secret: true` for a confidential client. */
  createClient(userPoolId: string, opts?: { secret?: boolean } & Partial<CreateUserPoolClientCommandInput>): Promise<{ clientId: string; clientSecret?: string }>;
  /** What it printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export async function startCognitoLocal(opts: { readyTimeoutMs?: number } = {}): Promise<CognitoLocal> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'cognito-local-'));
  const endpoint = `http://127.0.0.1:${port}`;
  // cognito-local merges its default UsernameAttributes ['email'] into every pool (an empty array cannot override it
  // per pool), so clear the default: pools then sign in with a username unless created with ['email'].
  mkdirSync(join(dir, '.cognito'));
  writeFileSync(join(dir, '.cognito', 'config.json'), JSON.stringify({ UserPoolDefaults: { UsernameAttributes: [] } }));
  let out = '';
  const child: ChildProcess = spawn(process.execPath, [START_JS], {
    cwd: dir,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DEBUG: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(t);
    }
    client.destroy();
    rmSync(dir, { recursive: true, force: true });
  };

  const client = new CognitoIdentityProviderClient({
    endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 20_000);
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`cognito-local exited with ${child.exitCode}:\n${out}`);
    }
    try {
      const res = await fetch(`${endpoint}/health`);
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`cognito-local did not answer /health within the time limit:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    endpoint,
    port,
    client,
    issuer: (id) => `${endpoint}/${id}`,
    jwksUri: (id) => `${endpoint}/${id}/.well-known/jwks.json`,
    async createPool(input = {}) {
      const out2 = await client.send(new CreateUserPoolCommand({ PoolName: `pool-${Date.now()}`, UsernameAttributes: ['email'], ...input }));
      const id = out2.UserPool?.Id;
      if (!id) throw new Error('cognito-local returned no pool id');
      return id;
    },
    async createClient(userPoolId, o = {}) {
      const { secret, ...rest } = o;
      const res = await client.send(new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: `client-${Date.now()}`,
        GenerateSecret: secret ?? false,
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        ...rest,
      }));
      const clientId = res.UserPoolClient?.ClientId;
      if (!clientId) throw new Error('cognito-local returned no client id');
      const r: { clientId: string; clientSecret?: string } = { clientId };
      if (res.UserPoolClient?.ClientSecret) r.clientSecret = res.UserPoolClient.ClientSecret;
      return r;
    },
    output: () => out,
    stop,
  };
}
