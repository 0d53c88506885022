/**
 * A small IAM policy evaluator for the fake, modelled on the IAM User Guide's "Policy evaluation logic" (identity-based
 * policies of one account): an explicit Deny wins, else an Allow whose Action, Resource and every Condition match,
 * else the request is implicitly denied. Only what secure-api's operator policy uses is modelled:
 * - Action: `service:Name` with `*` / `?` wildcards, case-insensitive ("IAM JSON policy elements: Action");
 * - Resource: ARN patterns with `*` / `?`, case-sensitive; a request on no resource (an action whose Service
 *   Authorization Reference entry names no resource type) is `*`, which only `"Resource": "*"` matches;
 * - Condition: every operator block and every key in it must match (AND); the values of one key are OR'ed. Key names
 *   are case-insensitive, values case-sensitive ("IAM JSON policy elements: Condition operators"). A key absent
 *   from the request matches no positive operator, matches every negated one, and `Null: true`
 *   ("Condition keys that aren't present in the request context"); the `IfExists` suffix matches when absent.
 *   Operators: StringEquals, StringNotEquals, StringLike, StringNotLike, ArnEquals, ArnLike, Null, Bool, and the
 *   ForAllValues: / ForAnyValue: set qualifiers for multivalued keys (aws:TagKeys).
 */

export interface IamStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}
export interface IamPolicy { Version?: string; Statement: IamStatement[] }

/** One authorization request: the action, the resource ARN (`*` for none), and the request context's keys. */
export interface IamRequest {
  action: string;
  resource: string;
  context: Record<string, string | string[] | undefined>;
}

export type Decision = 'allow' | 'explicit-deny' | 'implicit-deny';

const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/** A wildcard pattern (`*` any run, `?` one character) as a whole-string matcher. */
function wildcard(pattern: string, value: string, caseInsensitive = false): boolean {
  const re = new RegExp(`^${pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&'))).join('')}$`, caseInsensitive ? 'is' : 's');
  return re.test(value);
}

function contextValue(ctx: IamRequest['context'], key: string): string[] | undefined {
  const hit = Object.keys(ctx).find((k) => k.toLowerCase() === key.toLowerCase());
  const v = hit === undefined ? undefined : ctx[hit];
  return v === undefined ? undefined : list(v);
}

/** One value against the condition's values under a base operator (no qualifier, no IfExists). */
function matchOne(op: string, value: string, wanted: string[]): boolean {
  switch (op) {
    case 'StringEquals': case 'ArnEquals': return wanted.includes(value);
    case 'StringNotEquals': case 'ArnNotEquals': return !wanted.includes(value);
    case 'StringLike': case 'ArnLike': return wanted.some((w) => wildcard(w, value));
    case 'StringNotLike': case 'ArnNotLike': return !wanted.some((w) => wildcard(w, value));
    case 'Bool': return wanted.includes(value);
    default: throw new Error(`iam-evaluate: the operator ${op} is not modelled`);
  }
}

function conditionHolds(operator: string, key: string, raw: string | string[] | boolean, ctx: IamRequest['context']): boolean {
  const wanted = list(raw).map(String);
  const values = contextValue(ctx, key);
  if (operator === 'Null') return wanted.includes(values === undefined ? 'true' : 'false');
  let op = operator;
  let qualifier: 'all' | 'any' | undefined;
  if (op.startsWith('ForAllValues:')) { qualifier = 'all'; op = op.slice('ForAllValues:'.length); }
  else if (op.startsWith('ForAnyValue:')) { qualifier = 'any'; op = op.slice('ForAnyValue:'.length); }
  const ifExists = op.endsWith('IfExists');
  if (ifExists) op = op.slice(0, -'IfExists'.length);
  const negated = /Not/.test(op);
  if (values === undefined) return ifExists || qualifier === 'all' || (negated && qualifier === undefined);
  if (qualifier === 'all') return values.every((v) => matchOne(op, v, wanted));
  if (qualifier === 'any') return values.some((v) => matchOne(op, v, wanted));
  return values.some((v) => matchOne(op, v, wanted));
}

function statementMatches(st: IamStatement, req: IamRequest): boolean {
  if (!list(st.Action).some((a) => wildcard(a, req.action, true))) return false;
  const resources = list(st.Resource);
  if (req.resource === '*' ? !resources.includes('*') : !resources.some((r) => wildcard(r, req.resource))) return false;
  for (const [operator, block] of Object.entries(st.Condition ?? {})) {
    for (const [key, value] of Object.entries(block)) if (!conditionHolds(operator, key, value, req.context)) return false;
  }
  return true;
}

/** The decision for one request, and the statement that decided it. */
export function evaluate(policy: IamPolicy, req: IamRequest): { decision: Decision; sid?: string | undefined } {
  let allowedBy: IamStatement | undefined;
  for (const st of policy.Statement) {
    if (!statementMatches(st, req)) continue;
    if (st.Effect === 'Deny') return { decision: 'explicit-deny', sid: st.Sid };
    allowedBy ??= st;
  }
  return allowedBy ? { decision: 'allow', sid: allowedBy.Sid } : { decision: 'implicit-deny' };
}
