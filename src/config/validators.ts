/** Field validators shared by flags, the --config file and the wizard's prompts. Each returns an error message or undefined. */

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'ANY'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export const AWS_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'ca-west-1', 'mx-central-1',
  'sa-east-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-central-2', 'eu-north-1',
  'eu-south-1', 'eu-south-2', 'il-central-1', 'me-south-1', 'me-central-1', 'af-south-1',
  'ap-east-1', 'ap-east-2', 'ap-south-1', 'ap-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3',
  'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-7', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
] as const;

export function checkStackName(v: string): string | undefined {
  if (!/^[a-z][a-z0-9-]*$/.test(v)) return `stack name "${v}" must start with a lowercase letter and hold only lowercase letters, digits and hyphens`;
  if (v.length < 2 || v.length > 24) return `stack name "${v}" must be 2 to 24 characters long (it prefixes names AWS limits)`;
  if (v.endsWith('-') || v.includes('--')) return `stack name "${v}" may not end with a hyphen or hold two in a row`;
  return undefined;
}

export function checkRegion(v: string): string | undefined {
  if (!/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(v)) return `region "${v}" is not an AWS region name (like us-east-1)`;
  return undefined;
}

/**
 * A path segment as API Gateway's CreateResource takes it: a literal of a-zA-Z0-9._- or one whole {param} (greedy
 * {param+} allowed); AWS refuses anything else ("Resource's path part only allow a-zA-Z0-9._- and curly braces…").
 */
export function checkPathSegment(seg: string): string | undefined {
  if (seg === '') return 'empty path segment (two slashes in a row, or a trailing slash)';
  if (/^\{[A-Za-z_][A-Za-z0-9_]*\+?\}$/.test(seg)) return undefined;
  if (seg.includes('{') || seg.includes('}')) return `path segment "${seg}" must be a whole {param} (letters, digits, _) or have no braces`;
  if (!/^[A-Za-z0-9._-]+$/.test(seg)) {
    const bad = [...new Set(seg.replace(/[A-Za-z0-9._-]/g, ''))].map((c) => `"${c}"`).join(' ');
    return `path segment "${seg}" holds ${bad}: API Gateway allows only letters, digits and - _ . in a path part (or a whole {param})`;
  }
  return undefined;
}

export function checkResourcePath(p: string): string | undefined {
  if (!p.startsWith('/')) return `path "${p}" must start with "/"`;
  if (p === '/') return undefined;
  const segs = p.slice(1).split('/');
  const names = new Set<string>();
  for (const [i, s] of segs.entries()) {
    const err = checkPathSegment(s);
    if (err) return `path "${p}": ${err}`;
    if (s.endsWith('+}') && i !== segs.length - 1) return `path "${p}": a greedy {param+} must be the last segment`;
    if (s.startsWith('{')) {
      const n = s.replace(/[{}+]/g, '');
      if (names.has(n)) return `path "${p}": parameter {${n}} appears twice`;
      names.add(n);
    }
  }
  return undefined;
}

export function checkMethod(m: string): string | undefined {
  return (HTTP_METHODS as readonly string[]).includes(m) ? undefined : `method "${m}" is not one of ${HTTP_METHODS.join(', ')}`;
}

export function checkDomainPrefix(v: string): string | undefined {
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(v)) return `domain prefix "${v}" must be 1 to 63 lowercase letters, digits and hyphens, not starting or ending with a hyphen`;
  for (const word of ['aws', 'amazon', 'cognito']) {
    if (v.includes(word)) return `domain prefix "${v}" may not contain "${word}" (Cognito reserves it)`;
  }
  return undefined;
}

export function checkHttpUrl(v: string, opts: { allowHttp?: boolean } = {}): string | undefined {
  let u: URL;
  try { u = new URL(v); } catch { return `"${v}" is not a URL`; }
  const allowHttp = opts.allowHttp ?? true;
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && allowHttp)) return `URL "${v}" must use ${allowHttp ? 'http or https' : 'https'}`;
  return undefined;
}

/** Cognito requires https callback URLs except for http://localhost. */
export function checkCallbackUrl(v: string): string | undefined {
  const err = checkHttpUrl(v);
  if (err) return err;
  const u = new URL(v);
  if (u.protocol === 'http:' && u.hostname !== 'localhost') return `callback URL "${v}" must be https (plain http is allowed only for localhost)`;
  if (u.hash) return `callback URL "${v}" may not contain a fragment`;
  return undefined;
}

/** http://localhost…, 127.0.0.1, [::1]: a callback to whatever listens on this machine's port. */
export const isLoopbackUrl = (url: string): boolean => /^https?:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?(\/|$)/i.test(url);

export function checkLambdaArn(v: string): string | undefined {
  if (!/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]+)?$/.test(v)) return `"${v}" is not a Lambda function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME)`;
  return undefined;
}

export function checkEmail(v: string): string | undefined {
  return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v) ? undefined : `"${v}" is not an email address`;
}

export function checkSesIdentityArn(v: string): string | undefined {
  return /^arn:aws[a-z-]*:ses:[a-z0-9-]+:\d{12}:identity\/.+$/.test(v) ? undefined : `"${v}" is not an SES identity ARN (arn:aws:ses:REGION:ACCOUNT:identity/EMAIL-OR-DOMAIN)`;
}

/** Names of AWS things we create (API, pool, function, role, authorizer, client). */
export function checkResourceName(v: string, what: string, max = 64): string | undefined {
  if (v.length < 1 || v.length > max) return `${what} "${v}" must be 1 to ${max} characters`;
  if (!/^[A-Za-z0-9_+=,.@-]+$/.test(v)) return `${what} "${v}" may hold only letters, digits and _+=,.@-`;
  return undefined;
}

export function checkStageName(v: string): string | undefined {
  return /^[A-Za-z0-9_-]{1,128}$/.test(v) ? undefined : `stage name "${v}" may hold only letters, digits, - and _`;
}

export function checkHeaderName(v: string): string | undefined {
  return /^[A-Za-z0-9-]{1,64}$/.test(v) ? undefined : `header name "${v}" may hold only letters, digits and hyphens`;
}

/** The prefix of the tags secure-api owns (`secure-api:stack`, `secure-api:state-id`): never the user's. */
export const OWN_TAG_PREFIX = 'secure-api:';

/** A tag as a whole: AWS's rules (Lambda, API Gateway, Cognito and IAM share them), checked before any call. */
export function checkUserTag(key: string, value: string): string | undefined {
  // AWS's tag restrictions (the same text in each service's guide, e.g. https://docs.aws.amazon.com/batch/latest/userguide/tag-restrictions.html):
  // keys 1-128 and values 0-256 characters of letters, digits, spaces and _ . : / = + - @; "Don't use aws: ... as a
  // prefix for either keys or values, as it is reserved for AWS use"; 50 tags per resource.
  const allowed = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
  if (key.length < 1 || key.length > 128) return `tag key "${key}" must be 1 to 128 characters`;
  if (!allowed.test(key)) return `tag key "${key}" may hold only letters, digits, spaces and _ . : / = + - @`;
  if (/^aws:/i.test(key)) return `tag key "${key}": the aws: prefix is reserved by AWS`;
  if (key.toLowerCase().startsWith(OWN_TAG_PREFIX)) return `tag key "${key}": the ${OWN_TAG_PREFIX} prefix is secure-api's own (it tells its resources from everyone else's)`;
  if (value.length > 256) return `the value of tag "${key}" is longer than 256 characters`;
  if (/^aws:/i.test(value)) return `the value of tag "${key}": the aws: prefix is reserved by AWS`;
  if (!allowed.test(value)) return `the value of tag "${key}" may hold only letters, digits, spaces and _ . : / = + - @`;
  return undefined;
}

/** AWS allows 50 tags on a resource (Lambda, API Gateway, Cognito, IAM); secure-api's own take 2 of them. */
export const MAX_USER_TAGS = 48;
