/**
 * Cognito groups a route may be restricted to. API Gateway's COGNITO_USER_POOLS authorizer checks the token (and the
 * scopes of an access token), never group membership: the claims reach a Lambda proxy integration as
 * event.requestContext.authorizer.claims, where the backend reads `cognito:groups` (aws/chalice#783). The sample
 * function does that for the routes that name groups (src/resources/sample-function.ts).
 */

/**
 * Why a group name is refused before any AWS call, or undefined. CreateGroup's GroupName: 1 to 128 characters of
 * [\p{L}\p{M}\p{S}\p{N}\p{P}]+ (API_CreateGroup). Commas and brackets are refused too: the REST API hands the claim to
 * the function as one string, "admins,ops" (aws/chalice#783), so a name holding them could not be told apart.
 */
export function checkGroupName(name: string): string | undefined {
  if (name.length < 1 || name.length > 128) return `group name "${name}" must be 1 to 128 characters`;
  if (!/^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u.test(name)) return `group name "${name}" may not hold spaces or control characters (Cognito allows letters, marks, symbols, digits and punctuation)`;
  if (/[,[\]]/.test(name)) return `group name "${name}" may not hold "," "[" or "]": API Gateway passes cognito:groups to the function as one comma-separated string`;
  return undefined;
}

/** `GET /admin` → the groups allowed there, for the sample function's routes that name groups. */
export type RouteGroups = Record<string, string[]>;

/** The routes restricted to groups, by `METHOD path` (ANY stays ANY: the function matches it for every method). */
export function routeGroupsOf(routes: ReadonlyArray<{ path: string; methods: readonly string[]; groups?: string[] | undefined; public?: boolean }>): RouteGroups {
  const out: RouteGroups = {};
  for (const r of routes) {
    if (!r.groups?.length || r.public) continue;
    for (const m of r.methods) out[`${m} ${r.path}`] = [...r.groups];
  }
  return out;
}

/** Every group the routes name, each once, sorted. */
export function groupNamesOf(routes: ReadonlyArray<{ groups?: string[] | undefined; public?: boolean }>): string[] {
  return [...new Set(routes.flatMap((r) => (r.public ? [] : r.groups ?? [])))].sort();
}

/** The description secure-api gives a group it makes: it marks the group as the stack's (groups have no tags). */
export function groupDescription(stack: string): string {
  return `Made by secure-api for the stack ${stack}: its members may call the routes restricted to this group`;
}
