/**
 * The AWS calls each handler method makes, declared beside the handler (its `calls`), in IAM spelling
 * (`apigateway:CreateRestApi`, `cognito-idp:DescribeUserPool`…): the one source of the dry-run's call list and its
 * critical path (src/plan/calls.ts), of the call catalogue and of the operator policy (src/plan/permissions.ts,
 * operator-policy.ts). test/aws-rules/declared-calls.test.ts runs every method of every kind against the fake with a
 * recording client and fails on a call its declaration does not name.
 */

/** One AWS call, `service:Action` with IAM's service prefix. */
export type CallName = `${'apigateway' | 'cognito-idp' | 'lambda' | 'iam' | 'logs'}:${string}`;

/** A call made on some paths only (a lost answer, an older API's response, a field that differs): when, in words. */
export interface Sometimes { call: CallName; when: string }

/**
 * A create call made `times(spec)` times (0: not for this spec). `alongside`: sent together with the call before it,
 * so it adds no step to the critical path.
 */
export interface Step<Spec> { call: CallName; times?: (spec: Spec) => number; alongside?: true }

/** What one method may call: its clean path in order, with the calls of other paths marked `Sometimes`. */
export type Declared = ReadonlyArray<CallName | Sometimes>;

/** A handler's calls, one list per method it has. */
export interface HandlerCalls<Spec> {
  /** A clean create in order (what `init --dry-run` lists), spec-dependent steps, and its recovery paths. */
  create: ReadonlyArray<CallName | Step<Spec> | Sometimes>;
  find: Declared;
  read: Declared;
  delete: Declared;
  tags?: Declared;
  update?: Declared;
  release?: Declared;
  capturePrior?: Declared;
  preview?: Declared;
  /** The name check before the first create (src/orphans/preflight.ts). */
  nameTaken?: Declared;
}

export type MethodName = keyof HandlerCalls<unknown>;
export const METHODS: readonly MethodName[] = ['create', 'find', 'read', 'tags', 'update', 'delete', 'release', 'capturePrior', 'preview', 'nameTaken'];

const isSometimes = (c: CallName | Step<never> | Sometimes): c is Sometimes => typeof c === 'object' && 'when' in c;
const nameOf = (c: CallName | Step<never> | Sometimes): CallName => (typeof c === 'string' ? c : c.call);

/** Every call a method may make, on any path and for any spec. */
export function mayCall(list: ReadonlyArray<CallName | Step<never> | Sometimes> | undefined): CallName[] {
  return [...new Set((list ?? []).map(nameOf))];
}

/** The clean path in order: steps repeated `times(spec)`, calls of other paths left out. */
export function cleanPath<Spec>(list: ReadonlyArray<CallName | Step<Spec> | Sometimes> | undefined, spec?: Spec): CallName[] {
  const out: CallName[] = [];
  for (const c of list ?? []) {
    if (typeof c === 'string') out.push(c);
    else if (!isSometimes(c)) {
      const n = c.times && spec !== undefined ? c.times(spec) : 1;
      for (let i = 0; i < n; i++) out.push(c.call);
    }
  }
  return out;
}

/** How many of a clean create's calls run one after another (its weight on the critical path). */
export function createDepthOf<Spec>(calls: HandlerCalls<Spec>, spec: Spec): number {
  let depth = 0;
  for (const c of calls.create) {
    if (typeof c === 'string') depth++;
    else if (!isSometimes(c) && !c.alongside) depth += c.times ? c.times(spec) : 1;
  }
  return depth;
}

/** A step made only when `when(spec)` holds (MFA on, a MOCK integration…). */
export const only = <Spec>(call: CallName, when: (spec: Spec) => boolean, o: { alongside?: true } = {}): Step<Spec> =>
  ({ call, times: (s) => (when(s) ? 1 : 0), ...o });

/** A call made on some paths only. */
export const sometimes = (call: CallName, when: string): Sometimes => ({ call, when });
