import type { DriftChange } from '../plan/changes.js';
import type { SpecByKind } from '../plan/specs.js';
import { restApiArn, tagList } from '../resources/refs.js';
import { handlerFor } from '../resources/registry.js';
import { createUserPoolClientInput } from '../resources/user-pool-client-settings.js';
import type { Out, Outputs, ResourceKind } from '../resources/types.js';
import type { Fix, NextStep, ResourceState } from './schema.js';

/** What fixes need to know about the stack beyond one resource. */
export interface FixContext {
  stack: string;
  region: string;
  account: string;
  partition: string;
  stateFile: string;
  /** `--stack NAME` (and `--state-dir DIR` when one was given), for secure-api commands. */
  stackArgs: string;
  /** Outputs of every node, by node id. */
  ids: Outputs;
  /** The state status found for another node, by node id. */
  stateOf: (nodeId: string) => ResourceState | undefined;
}

/** One resource, as far as a fix is concerned. */
export interface FixSubject {
  id: string;
  kind: ResourceKind;
  state: ResourceState;
  /** What the live read found changed (empty unless drifted); fixes decide on its paths. */
  drift: DriftChange[];
  out: Out;
  /** The node's spec from the state file. */
  spec: unknown;
}

/** Quote for a POSIX shell when needed. */
export function sh(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

const fix = (summary: string, commands: string[] = [], rebuild = false): Fix => ({ summary, commands, rebuild });
const REBUILD = fix('secure-api cannot repair this in place: rebuild the stack (see Next).', [], true);

/** Destroy and init again from the configuration the state file holds. */
export function rebuildSteps(fx: Pick<FixContext, 'stack' | 'stateFile' | 'stackArgs'>): NextStep[] {
  const file = sh(`${fx.stack}.config.json`);
  return [
    // `show --json` reads the configuration wherever the state lives (jq cannot read an s3:// state).
    { command: `secure-api show ${fx.stackArgs} --json > ${file}`, why: 'keep the configuration (it is in the state)' },
    { command: `secure-api destroy ${fx.stackArgs} --yes`, why: 'remove what is left' },
    { command: `secure-api init --config ${file} ${fx.stackArgs} --yes`, why: 'create it again, as it was' },
  ];
}

const has = (drift: DriftChange[], ...paths: string[]) => drift.some((d) => paths.includes(d.path));

/** A method the stage serves without a token (its `context.method` says which, "GET /items"). */
export const isServedOpen = (d: DriftChange): boolean => (d.path === 'served.authorizationType' || d.path === 'canary.authorizationType') && d.after === 'NONE';

/** What a missing or drifted resource breaks. */
export function impactOf(kind: ResourceKind, state: ResourceState, drift: DriftChange[] = []): string | null {
  if (state === 'drifted' && (kind === 'api-method' || kind === 'secured-method')
    && drift.some((d) => d.path === 'authorizationType' && ['NONE', 'AWS_IAM', 'CUSTOM'].includes(String(d.after)))) {
    return 'it no longer asks for a token: anyone can call it once this is deployed';
  }
  if (state === 'drifted' && (kind === 'stage-redeploy' || kind === 'deployment') && (has(drift, 'served.openMethod', 'otherStage.authorizationType') || drift.some(isServedOpen))) {
    return 'anyone can call the methods named without a token';
  }
  if (state === 'drifted' && kind === 'deployment' && drift.every((d) => d.path === 'configured.authorizationType')) {
    return 'the API changed after its deployment: the next deployment would publish those changes';
  }
  if (state === 'missing') {
    const missing: Record<ResourceKind, string> = {
      'iam-role': 'the function has no execution role: invocations fail',
      'log-group': 'the function\'s next run makes its log group again, without a retention: its logs are kept forever',
      'lambda-function': 'routes that call the function answer 500',
      'lambda-permission': 'API Gateway may not invoke the function: routes answer 500 "Internal server error"',
      'rest-api': 'the API is gone: every URL below fails',
      'api-resource': 'its routes are gone',
      'api-method': 'the route is gone (403 "Missing Authentication Token" once redeployed)',
      'cors-preflight': 'browsers\' CORS preflight fails, so web apps cannot call the route',
      'gateway-response': 'error responses lack CORS headers, so browsers hide them',
      'authorizer': 'secured methods have no authorizer to check tokens',
      'deployment': 'nothing is served at the invoke URL',
      'stage-setting': 'the stage is gone, and with it this setting',
      'user-pool': 'nobody can sign in, and the authorizer refuses every token',
      'identity-provider': 'sign-in through this provider fails',
      'resource-server': 'clients cannot get tokens with its scopes, so the scoped methods refuse every call',
      'user-pool-group': 'nobody can be a member of it, so the routes restricted to it answer 403 to everyone',
      'user-pool-client': 'sign-in with this app client id fails',
      'user-pool-domain': 'the hosted UI login URL does not answer',
      'existing-rest-api': 'your API is gone: every URL below fails',
      'existing-api-resource': 'its routes are gone',
      'existing-stage': 'nothing is served at the invoke URL',
      'existing-authorizer': 'secured methods have no authorizer to check tokens',
      'secured-method': 'the route is gone from your API',
      'stage-redeploy': 'the stage no longer serves what secure-api deployed',
      'existing-user-pool': 'nobody can sign in, and the authorizer refuses every token',
      'existing-user-pool-client': 'sign-in with this app client id fails',
    };
    return missing[kind];
  }
  if (state === 'drifted') {
    const drifted: Partial<Record<ResourceKind, string>> = {
      'api-method': 'the route may no longer require a valid token, or may call something else',
      'secured-method': 'the route may no longer require a token from this user pool',
      'stage-redeploy': 'the stage does not serve what secure-api deployed and verified',
      'cors-preflight': 'browsers\' CORS preflight may fail',
      'authorizer': 'tokens may be checked against the wrong user pool, or not read at all',
      'deployment': 'the stage does not serve what secure-api deployed and verified',
      'stage-setting': 'the stage is not traced or throttled as configured (a throttle raised by hand lets more traffic through)',
      'lambda-permission': 'API Gateway may not be allowed to invoke the function (500)',
      'log-group': 'log events are kept longer (or shorter) than the configuration says',
      'user-pool-client': 'sign-in through this client may fail',
      'user-pool-domain': 'the hosted UI may not answer',
    };
    return drifted[kind] ?? null;
  }
  if (state === 'unfinished') return 'an interrupted run left it half-made';
  return null;
}

function specOf<K extends ResourceKind>(_kind: K, spec: unknown): SpecByKind[K] {
  // Written by secure-api itself from the plan; the state schema validated the file around it.
  return spec as SpecByKind[K];
}

const apiIdOf = (fx: FixContext): string => fx.ids.api?.apiId ?? 'API_ID';

function stageName(fx: FixContext): string {
  return fx.ids.deployment?.stageName ?? 'STAGE';
}

function updateMethod(fx: FixContext, resourceId: string, httpMethod: string, ops: string[]): string {
  return `aws apigateway update-method --rest-api-id ${apiIdOf(fx)} --resource-id ${resourceId} --http-method ${httpMethod} `
    + `--patch-operations ${ops.join(' ')} --region ${fx.region}`;
}

function methodFix(s: FixSubject, fx: FixContext): Fix {
  const spec = specOf('api-method', s.spec);
  const resourceId = s.out.resourceId ?? 'RESOURCE_ID';
  const httpMethod = s.out.httpMethod ?? spec.httpMethod;
  if (has(s.drift, 'integration', 'integration.uri', 'integration.type')) return REBUILD;
  const authorizerId = spec.authorizerNode ? fx.ids[spec.authorizerNode]?.authorizerId ?? 'AUTHORIZER_ID' : undefined;
  const ops = authorizerId
    ? ['op=replace,path=/authorizationType,value=COGNITO_USER_POOLS', `op=replace,path=/authorizerId,value=${authorizerId}`,
      ...spec.authorizationScopes.map((sc) => `op=add,path=/authorizationScopes,value=${sh(sc)}`)]
    : ['op=replace,path=/authorizationType,value=NONE'];
  return fix(
    authorizerId
      ? `Put ${httpMethod} ${spec.path} back behind authorizer ${authorizerId}. Do not redeploy before this: a new deployment would publish the change.`
      : `Make ${httpMethod} ${spec.path} public again, as configured.`,
    [updateMethod(fx, resourceId, httpMethod, ops)],
  );
}

/** One of their methods we secured, opened (or moved to another authorizer): behind ours again. */
function securedMethodFix(s: FixSubject, fx: FixContext): Fix {
  const spec = specOf('secured-method', s.spec);
  const authorizerId = fx.ids[spec.authorizerNode]?.authorizerId ?? 'AUTHORIZER_ID';
  const ops = ['op=replace,path=/authorizationType,value=COGNITO_USER_POOLS', `op=replace,path=/authorizerId,value=${authorizerId}`,
    ...spec.authorizationScopes.map((sc) => `op=add,path=/authorizationScopes,value=${sh(sc)}`)];
  return fix(`Put ${spec.httpMethod} ${spec.path} back behind authorizer ${authorizerId}, then deploy stage ${stageName(fx)}.`,
    [updateMethod(fx, s.out.resourceId ?? 'RESOURCE_ID', spec.httpMethod, ops),
      `aws apigateway create-deployment --rest-api-id ${apiIdOf(fx)} --stage-name ${stageName(fx)} --region ${fx.region}`]);
}

function preflightFix(s: FixSubject, fx: FixContext): Fix {
  if (has(s.drift, 'preflight.integrationResponse')) return REBUILD;
  return fix(
    'Open the CORS preflight again (browsers send it without a token).',
    [updateMethod(fx, s.out.resourceId ?? 'RESOURCE_ID', 'OPTIONS', ['op=replace,path=/authorizationType,value=NONE'])],
  );
}

function deploymentFix(s: FixSubject, fx: FixContext): Fix {
  const ours = s.out.deploymentId;
  const stage = s.out.stageName ?? stageName(fx);
  const commands: string[] = [];
  const parts: string[] = [];
  if (s.state === 'missing') return REBUILD;
  const pointBack = (closes: string[]) => {
    parts.push(`Point stage ${stage} back at deployment ${ours ?? '?'}, the one secure-api made and verified${closes.length > 0 ? `: that closes ${closes.join(', ')} at once` : ''}.`);
    commands.push(`aws apigateway update-stage --rest-api-id ${apiIdOf(fx)} --stage-name ${stage} `
      + `--patch-operations op=replace,path=/deploymentId,value=${ours ?? 'DEPLOYMENT_ID'} --region ${fx.region}`);
  };
  // The policy (stage-policy.ts): what our stage serves that it should not, from another deployment than ours.
  const wrong = s.drift.filter((d) => (d.path === 'served.authorizationType' || d.path === 'served.openMethod') && d.context?.stage === stage && !d.context.canary);
  const servedElsewhere = wrong.find((d) => d.context?.deployment !== undefined && d.context.deployment !== ours);
  if (has(s.drift, 'stage.deploymentId')) {
    pointBack(s.drift.filter(isServedOpen).map((d) => d.context?.method ?? '?'));
  } else if (servedElsewhere) {
    pointBack([...new Set(wrong.filter((d) => d.after === 'NONE').map((d) => d.context?.method ?? '?'))]);
  } else if (wrong.length > 0) {
    parts.push(`Run \`secure-api init ${fx.stackArgs}\`: it deploys stage ${stage} again, serving every secured method behind the authorizer.`);
  }
  const added = [...new Set(s.drift.filter((d) => d.path === 'served.openMethod' && !d.context?.canary).map((d) => d.context?.method ?? '?'))];
  if (added.length) {
    parts.push(`${added.join(', ')} ${added.length === 1 ? 'is' : 'are'} on the API but in none of the stack's routes: delete ${added.length === 1 ? 'it' : 'them'} from the API, or add ${added.length === 1 ? 'it' : 'them'} to the stack (secure-api routes add).`);
  }
  if (has(s.drift, 'configured.authorizationType')) {
    parts.push('Methods changed after the deployment: fix them (rows above) so they match what is served again; do not redeploy before that.');
  }
  const newerAt = s.drift.find((d) => d.path === 'newerDeployment')?.after;
  const newer = typeof newerAt === 'string' ? newerAt : undefined;
  if (newer) {
    parts.push(`Someone deployed this API after secure-api did; if deployment ${newer} is not in use, delete it.`);
    commands.push(`aws apigateway delete-deployment --rest-api-id ${apiIdOf(fx)} --deployment-id ${newer} --region ${fx.region}`);
  }
  otherStagesFix(s, fx, parts, commands);
  return parts.length > 0 ? fix(parts.join(' '), commands) : REBUILD;
}

/**
 * Other stages serving a secured method open, canaries serving what the policy refuses, and stages whose deployment
 * could not be read: the same for any stack.
 */
function otherStagesFix(s: FixSubject, fx: FixContext, parts: string[], commands: string[]): void {
  const canaries = [...new Set(s.drift.filter((d) => d.context?.canary && d.path !== 'served.unchecked').map((d) => d.context?.stage ?? '?'))];
  for (const stage of canaries) {
    // A deployment into a stage with a canary goes to the canary only (canary-release.html): the canary goes first.
    parts.push(`The canary release on stage ${stage} serves part of its requests from a deployment the policy refuses: remove the canary (or promote a secured deployment into it); while a canary is enabled, secure-api cannot deploy the stage.`);
    commands.push(`aws apigateway update-stage --rest-api-id ${apiIdOf(fx)} --stage-name ${sh(stage)} --patch-operations op=remove,path=/canarySettings --region ${fx.region}`);
  }
  const others = [...new Set(s.drift.filter((d) => d.path === 'otherStage.authorizationType' && !d.context?.canary).map((d) => d.context?.stage ?? '?'))];
  for (const stage of others) {
    parts.push(`Stage ${stage} serves secured methods open: deploy it again so it serves them behind the authorizer (or delete the stage if unused).`);
    commands.push(`aws apigateway create-deployment --rest-api-id ${apiIdOf(fx)} --stage-name ${sh(stage)} --description ${sh(`secured like ${stageName(fx)}`)} --region ${fx.region}`);
  }
  for (const d of s.drift.filter((x) => x.path === 'served.unchecked')) {
    parts.push(`Look at what stage ${d.context?.stage ?? '?'} serves yourself.`);
    commands.push(`aws apigateway get-deployment --rest-api-id ${apiIdOf(fx)} --deployment-id ${String(d.after)} --embed apisummary --region ${fx.region}`);
  }
}

/**
 * Someone's stage judged by the stack's policy. A secured method served open is put back by init (one deployment);
 * a method the owners opened is theirs: secure it (--secure-add) or leave it open on purpose (--secure-remove);
 * another stage serving a secured method open is deployed again so it serves the secured methods.
 */
function stagePolicyFix(s: FixSubject, fx: FixContext): Fix {
  const parts: string[] = [];
  const commands: string[] = [];
  const opened = [...new Set(s.drift.filter((d) => d.path === 'served.openMethod' && !d.context?.canary).map((d) => d.context?.method ?? '?'))];
  if (opened.length) {
    parts.push(`Secure ${opened.join(', ')} (or, to leave ${opened.length === 1 ? 'it' : 'them'} open on purpose, run the same with --secure-remove).`);
    commands.push(`secure-api init ${fx.stackArgs} ${opened.map((m) => `--secure-add ${sh(m)}`).join(' ')}`);
  }
  if (s.drift.some((d) => d.path === 'served.authorizationType' && !d.context?.canary)) parts.push(`Run \`secure-api init ${fx.stackArgs}\`: it deploys stage ${stageName(fx)} again, serving every secured method behind the authorizer.`);
  otherStagesFix(s, fx, parts, commands);
  return parts.length ? fix(parts.join(' '), commands) : REBUILD;
}

function permissionFix(s: FixSubject, fx: FixContext): Fix {
  const functionNode = specOf('lambda-permission', s.spec).function;
  if ('node' in functionNode && fx.stateOf(functionNode.node) === 'missing') {
    return fix('The function itself is gone: restore it first (rebuild the stack, see Next).', [], true);
  }
  const fn = s.out.functionName ?? 'FUNCTION';
  const sid = s.out.statementId ?? 'STATEMENT_ID';
  const source = `arn:${fx.partition}:execute-api:${fx.region}:${fx.account}:${apiIdOf(fx)}/*/*/*`;
  const add = `aws lambda add-permission --function-name ${sh(fn)} --statement-id ${sh(sid)} --action lambda:InvokeFunction `
    + `--principal apigateway.amazonaws.com --source-arn ${sh(source)} --region ${fx.region}`;
  if (s.state === 'missing') return fix('Let API Gateway invoke the function again, from this API only.', [add]);
  const remove = (id: string) => `aws lambda remove-permission --function-name ${sh(fn)} --statement-id ${sh(id)} --region ${fx.region}`;
  const others = s.drift.filter((d) => d.path === 'permission.otherStatements').flatMap((d) => (Array.isArray(d.after) ? d.after.map(String) : []));
  const ours = s.drift.some((d) => d.path !== 'permission.otherStatements');
  return fix(
    [
      ...(others.length ? [`Remove the statements someone added to the function's policy (${others.join(', ')}): they let others invoke it.`] : []),
      ...(ours ? ['Replace the statement with one that lets this API, and only it, invoke the function.'] : []),
    ].join(' '),
    [...others.map(remove), ...(ours ? [remove(sid), add] : [])],
  );
}

function functionFix(s: FixSubject, fx: FixContext): Fix {
  const role = fx.ids[specOf('lambda-function', s.spec).roleNode]?.roleArn;
  if (s.state === 'drifted' && role && s.drift.every((d) => d.path === 'role')) {
    return fix(
      'Give the function its execution role back.',
      [`aws lambda update-function-configuration --function-name ${sh(s.out.functionName ?? 'FUNCTION')} --role ${role} --region ${fx.region}`],
    );
  }
  return REBUILD;
}

function roleFix(s: FixSubject): Fix {
  if (s.state !== 'drifted') return REBUILD;
  const role = sh(s.out.roleName ?? 'ROLE');
  const commands = s.drift.filter((d) => d.path === 'managedPolicyArns').flatMap((d) => {
    if (typeof d.before === 'string') return [`aws iam attach-role-policy --role-name ${role} --policy-arn ${d.before}`];
    return typeof d.after === 'string' ? [`aws iam detach-role-policy --role-name ${role} --policy-arn ${d.after}`] : [];
  });
  return fix('The role should carry AWSLambdaBasicExecutionRole and nothing else.', commands);
}

function clientFix(s: FixSubject, fx: FixContext): Fix {
  const spec = specOf('user-pool-client', s.spec);
  if (s.state !== 'drifted') return REBUILD;
  const input = createUserPoolClientInput(spec, fx.ids.pool?.userPoolId ?? 'USER_POOL_ID');
  const units = input.TokenValidityUnits;
  const list = (flag: string, values: string[] | undefined) => (values && values.length > 0 ? [`${flag} ${values.map(sh).join(' ')}`] : []);
  const args = [
    `--user-pool-id ${input.UserPoolId ?? ''}`, `--client-id ${s.out.clientId ?? 'CLIENT_ID'}`, `--client-name ${sh(spec.name)}`,
    ...list('--explicit-auth-flows', input.ExplicitAuthFlows), ...list('--supported-identity-providers', input.SupportedIdentityProviders),
    '--prevent-user-existence-errors ENABLED', '--enable-token-revocation',
    ...(input.AllowedOAuthFlowsUserPoolClient ? ['--allowed-o-auth-flows-user-pool-client'] : []),
    ...list('--allowed-o-auth-flows', input.AllowedOAuthFlows), ...list('--allowed-o-auth-scopes', input.AllowedOAuthScopes),
    ...list('--callback-urls', input.CallbackURLs), ...list('--logout-urls', input.LogoutURLs),
    `--access-token-validity ${input.AccessTokenValidity ?? 60} --id-token-validity ${input.IdTokenValidity ?? 60} --refresh-token-validity ${input.RefreshTokenValidity ?? 30}`,
    `--token-validity-units AccessToken=${units?.AccessToken ?? 'minutes'},IdToken=${units?.IdToken ?? 'minutes'},RefreshToken=${units?.RefreshToken ?? 'days'}`,
    ...(input.RefreshTokenRotation ? [`--refresh-token-rotation Feature=${input.RefreshTokenRotation.Feature ?? 'ENABLED'}`] : []),
  ];
  return fix(
    'Restore the app client\'s settings (update-user-pool-client resets whatever it is not given, so this names them all).',
    [`aws cognito-idp update-user-pool-client ${args.join(' ')} --region ${fx.region}`],
  );
}

/** The patch that puts each drifted setting of the authorizer back (UpdateAuthorizer, as init's update sends it). */
function authorizerFix(s: FixSubject, fx: FixContext): Fix {
  const spec = specOf('authorizer', s.spec);
  const poolArn = fx.ids.pool?.userPoolArn ?? 'USER_POOL_ARN';
  const ops = s.drift.flatMap((d) => {
    switch (d.path) {
      case 'name': return [`op=replace,path=/name,value=${sh(spec.name)}`];
      case 'type': return ['op=replace,path=/type,value=COGNITO_USER_POOLS'];
      case 'ttlSeconds': return [`op=replace,path=/authorizerResultTtlInSeconds,value=${spec.ttlSeconds}`];
      case 'identityHeader': return [`op=replace,path=/identitySource,value=method.request.header.${sh(spec.identityHeader)}`];
      case 'providerARNs': {
        const live = Array.isArray(d.after) ? d.after.map(String) : [];
        return [
          ...(live.length ? [`op=replace,path=/providerARNs/0,value=${poolArn}`] : [`op=add,path=/providerARNs,value=${poolArn}`]),
          ...live.slice(1).filter((a) => a !== poolArn).map((a) => `op=remove,path=/providerARNs,value=${a}`),
        ];
      }
      default: return [];
    }
  });
  if (!ops.length) return REBUILD;
  return fix(`Put the authorizer back as recorded (user pool ${fx.ids.pool?.userPoolId ?? '?'}); then redeploy the stage (a new deployment serves it).`, [
    `aws apigateway update-authorizer --rest-api-id ${apiIdOf(fx)} --authorizer-id ${s.out.authorizerId ?? 'AUTHORIZER_ID'} --patch-operations ${ops.join(' ')} --region ${fx.region}`,
  ]);
}

function domainFix(s: FixSubject, fx: FixContext): Fix {
  const domain = s.out.domain ?? 'DOMAIN';
  const pool = fx.ids.pool?.userPoolId;
  if (!pool || fx.stateOf('pool') === 'missing') return REBUILD;
  const create = `aws cognito-idp create-user-pool-domain --domain ${sh(domain)} --user-pool-id ${pool} --region ${fx.region}`;
  if (s.state === 'missing') return fix('Create the hosted UI domain again (the prefix may have been taken meanwhile).', [create]);
  if (has(s.drift, 'domain.userPoolId')) return REBUILD;
  if (s.drift.some((d) => d.path === 'domain.status' && d.after === 'DELETING')) return fix('Wait until the deletion finishes, then create it again.', [create]);
  return fix(
    'Delete the failed domain and create it again.',
    [`aws cognito-idp delete-user-pool-domain --domain ${sh(domain)} --user-pool-id ${pool} --region ${fx.region}`, create],
  );
}

/** A user tag missing or changed on the live resource (`tags.<key>`, src/resources/tags.ts). */
const isTagDrift = (d: DriftChange): boolean => d.path.startsWith('tags.');

/** The AWS CLI commands that put a resource's recorded tags back (only what is missing or changed). */
function tagCommands(s: FixSubject, fx: FixContext): string[] {
  const tags = Object.fromEntries(s.drift.filter(isTagDrift).map((d) => [d.path.slice('tags.'.length), String(d.before)]));
  const map = sh(JSON.stringify(tags));
  switch (s.kind) {
    case 'rest-api':
      return [`aws apigateway tag-resource --resource-arn ${restApiArn(fx, s.out.apiId ?? 'API_ID')} --tags ${map} --region ${fx.region}`];
    case 'lambda-function':
      return [`aws lambda tag-resource --resource ${s.out.functionArn ?? 'FUNCTION_ARN'} --tags ${map} --region ${fx.region}`];
    case 'user-pool':
      return [`aws cognito-idp tag-resource --resource-arn ${s.out.userPoolArn ?? 'USER_POOL_ARN'} --tags ${map} --region ${fx.region}`];
    case 'iam-role':
      return [`aws iam tag-role --role-name ${sh(s.out.roleName ?? 'ROLE')} --tags ${sh(JSON.stringify(tagList(tags)))}`];
    default: return [];
  }
}

/** The security wiring: a method, its authorizer, the permission, the function, the stage serving them. */
const SECURITY_KINDS = new Set<ResourceKind>(['api-method', 'authorizer', 'lambda-permission', 'lambda-function', 'deployment', 'cors-preflight', 'secured-method', 'stage-redeploy']);

/**
 * `secure-api init` repairs it, as plan shows (src/plan/planner.ts): a drifted resource of ours whose kind updates in
 * place is put back as recorded; the security wiring is also made again when it went missing; tags go back anywhere.
 * A kind with no in-place update is not put back by init (plan says so too): then only the rebuild or the manual fix.
 */
function initRepairs(s: FixSubject): boolean {
  const h = handlerFor(s.kind);
  // Drift the kind's update cannot put back (its `unrepairable` trait, which the planner reads too: an open method the
  // user never chose to secure, src/resources/stage-policy.ts): init is not the repair.
  if (s.drift.length > 0 && s.drift.every((d) => (h.unrepairable ?? []).includes(d.path))) return false;
  if (s.state === 'drifted') return (h.update !== undefined && !h.adopted) || SECURITY_KINDS.has(s.kind) || s.drift.every(isTagDrift);
  return s.state === 'missing' && SECURITY_KINDS.has(s.kind);
}

/**
 * How to put one resource right, or null when nothing is wrong. What init repairs (initRepairs) says so first (it
 * plans from the recorded configuration and shows the change before it makes it); the manual commands stay beside it
 * for those who cannot run init.
 */
export function fixFor(s: FixSubject, fx: FixContext): Fix | null {
  const f = manualFix(s, fx);
  if (!f || !initRepairs(s)) return f;
  const init = `Run \`secure-api init ${fx.stackArgs}\` to put it back as recorded (it shows the plan first).`;
  // "cannot repair this in place" would contradict plan: init is the repair.
  if (f === REBUILD) return { summary: init, commands: [], rebuild: false };
  return { ...f, summary: `${f.summary} Or run \`secure-api init ${fx.stackArgs}\` to repair (it shows the plan first).`, rebuild: false };
}

function manualFix(s: FixSubject, fx: FixContext): Fix | null {
  if (s.state === 'present' || s.state === 'unchecked') return null;
  if (s.state === 'error') {
    return fix('It could not be read: check the message, the credentials and their permissions, then run status again.', []);
  }
  if (s.state === 'unfinished') {
    // init resumes from the recorded configuration: nothing to keep aside first.
    return fix('An interrupted run left it half-made: run init again to finish (it resumes where it stopped), or destroy the stack.',
      [`secure-api init ${fx.stackArgs}`]);
  }
  const tagDrift = s.state === 'drifted' ? s.drift.filter(isTagDrift) : [];
  if (tagDrift.length) {
    const tags = fix(`Put its tags back (${tagDrift.map((d) => d.path.slice('tags.'.length)).join(', ')}).`, tagCommands(s, fx));
    const rest = s.drift.filter((d) => !isTagDrift(d));
    const other = rest.length ? manualFix({ ...s, drift: rest }, fx) : null;
    return other ? { summary: `${other.summary} ${tags.summary}`, commands: [...other.commands, ...tags.commands], rebuild: other.rebuild } : tags;
  }
  switch (s.kind) {
    case 'api-method': return s.state === 'drifted' ? methodFix(s, fx) : REBUILD;
    case 'secured-method': return s.state === 'drifted' ? securedMethodFix(s, fx) : REBUILD;
    case 'cors-preflight': return s.state === 'drifted' ? preflightFix(s, fx) : REBUILD;
    case 'deployment': return deploymentFix(s, fx);
    case 'stage-redeploy': return s.state === 'drifted' ? stagePolicyFix(s, fx) : REBUILD;
    case 'lambda-permission': return permissionFix(s, fx);
    case 'lambda-function': return functionFix(s, fx);
    case 'iam-role': return roleFix(s);
    case 'user-pool-client': return clientFix(s, fx);
    case 'user-pool-domain': return domainFix(s, fx);
    case 'authorizer': return s.state === 'drifted' ? authorizerFix(s, fx) : REBUILD;
    default: return REBUILD;
  }
}
