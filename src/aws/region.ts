import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The region of a profile in the shared config file (~/.aws/config or AWS_CONFIG_FILE), if it names one. */
export function profileRegion(env: NodeJS.ProcessEnv, profile: string | undefined): string | undefined {
  const name = profile ?? env.AWS_PROFILE ?? 'default';
  const file = env.AWS_CONFIG_FILE ?? join(homedir(), '.aws', 'config');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let inSection = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      const section = header[1]!.trim();
      inSection = section === name || section === `profile ${name}`;
      continue;
    }
    const kv = /^region\s*=\s*(\S+)/.exec(line);
    if (inSection && kv) return kv[1];
  }
  return undefined;
}

/** The profile names the shared config and credentials files define (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE). */
export function knownProfiles(env: NodeJS.ProcessEnv): { names: string[]; files: string[] } {
  const files = [env.AWS_CONFIG_FILE ?? join(homedir(), '.aws', 'config'), env.AWS_SHARED_CREDENTIALS_FILE ?? join(homedir(), '.aws', 'credentials')];
  const names = new Set<string>();
  for (const file of files) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const raw of text.split(/\r?\n/)) {
      const header = /^\s*\[\s*(?:profile\s+)?([^\]]+?)\s*\]\s*$/.exec(raw);
      if (header && !/^(sso-session|services)\s/.test(header[1]!)) names.add(header[1]!);
    }
  }
  return { names: [...names].sort(), files };
}

/** Why `profile` cannot be used (it is in neither file), or undefined when it can. */
export function missingProfile(env: NodeJS.ProcessEnv, profile: string): string | undefined {
  const { names, files } = knownProfiles(env);
  if (names.includes(profile)) return undefined;
  return `profile "${profile}" is not in the AWS config (${files.join(' or ')})${names.length ? `; it has: ${names.join(', ')}` : ''}`;
}

/** Region when no flag or config key gives one: AWS_REGION, AWS_DEFAULT_REGION, the profile's, then us-east-1. */
export function defaultRegion(env: NodeJS.ProcessEnv, profile: string | undefined): { region: string; from: string } {
  if (env.AWS_REGION) return { region: env.AWS_REGION, from: 'AWS_REGION' };
  if (env.AWS_DEFAULT_REGION) return { region: env.AWS_DEFAULT_REGION, from: 'AWS_DEFAULT_REGION' };
  const p = profileRegion(env, profile);
  if (p) return { region: p, from: `profile ${profile ?? env.AWS_PROFILE ?? 'default'}` };
  return { region: 'us-east-1', from: 'default' };
}

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** The DNS suffix of a region's endpoints: China's regions (aws-cn) answer under amazonaws.com.cn. */
export function dnsSuffix(region: string): string {
  return partitionOf(region) === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
}

/** The issuer of a user pool's tokens (its JWKS lives under it): https://cognito-idp.{region}.{suffix}/{poolId}. */
export function cognitoIssuerUrl(region: string, userPoolId: string): string {
  return `https://cognito-idp.${region}.${dnsSuffix(region)}/${userPoolId}`;
}

/**
 * A prefix domain's hosted UI: https://{prefix}.auth.{region}.amazoncognito.com; in China amazoncognito.com.cn; in
 * GovCloud the FIPS host auth-fips ("Amazon Cognito in AWS GovCloud (US)").
 */
export function hostedUiOrigin(domain: string, region: string): string {
  const p = partitionOf(region);
  if (p === 'aws-cn') return `https://${domain}.auth.${region}.amazoncognito.com.cn`;
  if (p === 'aws-us-gov') return `https://${domain}.auth-fips.${region}.amazoncognito.com`;
  return `https://${domain}.auth.${region}.amazoncognito.com`;
}
