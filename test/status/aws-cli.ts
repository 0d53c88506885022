/**
 * Runs the `aws …` fix commands status prints, through the SDK (so into the fake), to prove they fix what they
 * claim. It understands only what those commands use: the AWS CLI's flag names, shorthand patch operations,
 * single-quoted words, and lists. Test support only.
 */
const MODULES: Record<string, { load: () => Promise<Record<string, unknown>>; client: string; camel: boolean }> = {
  'apigateway': { load: () => import('@aws-sdk/client-api-gateway'), client: 'APIGatewayClient', camel: true },
  'lambda': { load: () => import('@aws-sdk/client-lambda'), client: 'LambdaClient', camel: false },
  'cognito-idp': { load: () => import('@aws-sdk/client-cognito-identity-provider'), client: 'CognitoIdentityProviderClient', camel: false },
  'iam': { load: () => import('@aws-sdk/client-iam'), client: 'IAMClient', camel: false },
};

/** Flags whose values are lists even when there is one. */
const LISTS = new Set(['patch-operations', 'explicit-auth-flows', 'supported-identity-providers', 'allowed-o-auth-flows', 'allowed-o-auth-scopes', 'callback-urls', 'logout-urls']);

/** Flags whose values are numbers, and flags in the CLI's shorthand structure syntax (Key=Value,…). */
const NUMBERS = new Set(['access-token-validity', 'id-token-validity', 'refresh-token-validity']);
const STRUCTURES = new Set(['token-validity-units', 'refresh-token-rotation']);

/** Shell words: spaces split, single quotes group (with '\'' for a quote). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      cur += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (ch === '\\') {
      cur += line[++i] ?? '';
      inWord = true;
    } else if (ch === ' ') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/** Where the SDK's member name is not the flag in PascalCase. */
const MEMBER: Record<string, string> = { CallbackUrls: 'CallbackURLs', LogoutUrls: 'LogoutURLs' };
const pascal = (kebab: string) => {
  const p = kebab.split('-').map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  return MEMBER[p] ?? p;
};
const camel = (kebab: string) => { const p = pascal(kebab); return p[0]!.toLowerCase() + p.slice(1); };

function shorthand(value: string): Record<string, string> {
  return Object.fromEntries(value.split(',').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}

/** Run one `aws SERVICE OPERATION --flags…` command through the SDK. */
export async function runAwsCli(command: string): Promise<unknown> {
  const [aws, service, operation, ...rest] = shellWords(command);
  const mod = MODULES[service ?? ''];
  if (aws !== 'aws' || !mod || !operation) throw new Error(`not an aws command this runner knows: ${command}`);
  const input: Record<string, unknown> = {};
  let region = 'us-east-1';
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i]!.replace(/^--/, '');
    const values: string[] = [];
    while (i + 1 < rest.length && !rest[i + 1]!.startsWith('--')) values.push(rest[++i]!);
    if (flag === 'region') {
      region = values[0] ?? region;
      continue;
    }
    const key = mod.camel ? camel(flag) : pascal(flag);
    if (flag === 'patch-operations') input[key] = values.map(shorthand);
    else if (LISTS.has(flag)) input[key] = values;
    else if (NUMBERS.has(flag)) input[key] = Number(values[0]);
    else if (STRUCTURES.has(flag)) input[key] = shorthand(values[0] ?? '');
    else input[key] = values.length === 0 ? true : values[0];
  }
  const sdk = await mod.load();
  const Client = sdk[mod.client] as new (c: object) => { send(c: unknown): Promise<unknown> };
  const Command = sdk[`${pascal(operation)}Command`] as (new (i: object) => unknown) | undefined;
  if (!Command) throw new Error(`no SDK command for ${service} ${operation}`);
  return new Client({ region, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'fake-secret-for-tests' } }).send(new Command(input));
}
