/**
 * OAuth scopes: the standard ones Cognito defines itself, and custom ones (`IDENTIFIER/NAME`, the identifier being all
 * before the last "/") that a resource server on the pool must define before any app client names them
 * (ScopeDoesNotExistException otherwise; API_CreateResourceServer).
 */
export const STANDARD_SCOPES: ReadonlySet<string> = new Set(['openid', 'email', 'phone', 'profile', 'aws.cognito.signin.user.admin']);

export const isCustomScope = (scope: string): boolean => !STANDARD_SCOPES.has(scope) && scope.lastIndexOf('/') > 0;

/** The custom scopes among `scopes`, in order, each once. */
export function customScopes(scopes: readonly string[]): string[] {
  return [...new Set(scopes.filter(isCustomScope))];
}

/** `orders/read` → { identifier: 'orders', name: 'read' }; `https://api.example.com/read` → identifier `https://api.example.com`. */
export function splitScope(scope: string): { identifier: string; name: string } {
  const cut = scope.lastIndexOf('/');
  return { identifier: scope.slice(0, cut), name: scope.slice(cut + 1) };
}

/** One resource server per identifier, with the scope names it must define. */
export function resourceServersFor(scopes: readonly string[]): Array<{ identifier: string; scopes: string[] }> {
  const by = new Map<string, string[]>();
  for (const s of customScopes(scopes)) {
    const { identifier, name } = splitScope(s);
    by.set(identifier, [...(by.get(identifier) ?? []), name]);
  }
  return [...by].map(([identifier, names]) => ({ identifier, scopes: names }));
}

/** A resource server's friendly name, naming the stack: Cognito allows [\w\s+=,.@-] (1..256), so other characters become "-". */
export function resourceServerName(identifier: string, stack: string): string {
  return `${identifier} by secure-api ${stack}`.replace(/[^\w\s+=,.@-]/g, '-').slice(0, 256);
}

/** Why a scope is refused before any AWS call, or undefined when Cognito will take it. */
export function checkScope(scope: string): string | undefined {
  if (STANDARD_SCOPES.has(scope)) return undefined;
  const cut = scope.lastIndexOf('/');
  if (cut <= 0 || cut === scope.length - 1) {
    return `scope "${scope}" is neither a standard scope (${[...STANDARD_SCOPES].join(', ')}) nor a custom one written IDENTIFIER/NAME, like orders/read`;
  }
  const { identifier, name } = splitScope(scope);
  if (!/^[\x21\x23-\x5B\x5D-\x7E]{1,256}$/.test(identifier)) return `scope "${scope}": the resource server identifier "${identifier}" may hold only printable ASCII without spaces, " or \\ (at most 256)`;
  if (!/^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]{1,256}$/.test(name)) return `scope "${scope}": the scope name "${name}" may hold only printable ASCII without spaces, /, " or \\ (at most 256)`;
  return undefined;
}
