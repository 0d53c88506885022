import type { AwsClients } from '../aws/clients.js';
import type { DriftChange, FieldChange } from '../plan/changes.js';
import type { TagSet } from './refs.js';
import type { HandlerCalls } from './declared-calls.js';

/** Every kind of node the plan can hold; one handler each, registered in ./registry.ts. */
export const RESOURCE_KINDS = [
  'iam-role',
  'log-group',
  'lambda-function',
  'lambda-permission',
  'rest-api',
  'api-resource',
  'api-method',
  'cors-preflight',
  'gateway-response',
  'authorizer',
  'deployment',
  'stage-setting',
  'user-pool',
  'identity-provider',
  'resource-server',
  'user-pool-group',
  'user-pool-client',
  'user-pool-domain',
  // What already exists (issue 12): adopted nodes are the user's; destroy only puts back what we changed on them.
  'existing-rest-api',
  'existing-api-resource',
  'existing-stage',
  'existing-authorizer',
  'secured-method',
  'stage-redeploy',
  'existing-user-pool',
  'existing-user-pool-client',
] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** The lists of ids and names a stack's operator policy is scoped to (src/plan/operator-policy.ts PolicyScope). */
export type PolicyNameList =
  | 'apiIds' | 'userPoolIds' | 'functionNames' | 'roleNames' | 'logGroupNames' | 'targetFunctionNames' | 'existingApiIds' | 'existingUserPoolIds';

/** Physical ids / ARNs a node produced. Plain strings only: this is written to the state file. */
export type Out = Record<string, string>;

/** Values an adopted resource had before we changed them (the state's `prior`). */
export type Prior = Record<string, unknown>;

/** Outputs of a node's dependencies, keyed by node id. */
export type Outputs = Record<string, Out>;

/** What `read` found. `drift` lists the fields changed outside secure-api (worded by plan/drift-text.ts). */
export type Observed =
  | { state: 'present'; out?: Out }
  | { state: 'missing' }
  | { state: 'drifted'; drift: DriftChange[]; out?: Out };

/** Everything a handler needs, passed in (never module singletons), so tests build one with fakes. */
export interface Ctx {
  clients: AwsClients;
  region: string;
  /** 12-digit account id (from STS). */
  account: string;
  /** ARN partition, 'aws' unless a GovCloud/China region. */
  partition: string;
  stack: string;
  /** Flags a printed command needs to reach this stack as this run did (` --state s3://… --profile P`), '' when none. */
  reach?: string | undefined;
  /** The state's own id (src/state/schema.ts), tagged as secure-api:state-id on everything we make. */
  stateId: string;
  /** The state was made before version 2: its resources carry only the stack tag (see isOurs in ./refs.ts). */
  legacyTags?: boolean | undefined;
  /** secure-api's own tags, on everything it makes: secure-api:stack=<stack>, secure-api:state-id=<stateId> (the user's are in each spec: see ./tags.ts). */
  tags: Record<string, string>;
  /** Sleep that honours cancellation; tests may replace it. */
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** Progress notes that are not node events ("waiting for the IAM role to propagate…"). */
  note: (message: string) => void;
  /**
   * Reads shared by every handler within one run (status): the API's resource tree with its methods and its
   * gateway responses are fetched once however many nodes read them, so status costs the same few calls
   * whatever the number of routes. Absent: nothing is shared.
   */
  reads?: ReadCache | undefined;
  /** Secrets that must not be stored: IdP client secrets by provider name. */
  secrets: { idpClientSecret: (providerName: string, envName: string) => string | undefined };
}

export interface ReadCache {
  once<T>(key: string, load: () => Promise<T>): Promise<T>;
}

/** A cache for one run: the first caller of a key loads it; the others await the same promise. */
export function readCache(): ReadCache {
  const memo = new Map<string, Promise<unknown>>();
  return {
    once<T>(key: string, load: () => Promise<T>): Promise<T> {
      let p = memo.get(key) as Promise<T> | undefined;
      if (!p) {
        p = load();
        memo.set(key, p);
      }
      return p;
    },
  };
}

/** A resource found by secure-api's tags, with no state file naming it (src/orphans/find.ts). */
export interface FoundResource {
  kind: ResourceKind;
  /** The id its delete call takes: API id, domain, user pool id, function name, role name. */
  id: string;
  /** What a person recognises it by. */
  name: string;
  /** A domain's user pool id. */
  userPoolId?: string | undefined;
}

export interface ResourceHandler<Spec = unknown> {
  kind: ResourceKind;
  /**
   * The AWS calls each of its methods makes (./declared-calls.ts): the dry-run's call list and the operator policy are
   * derived from them, and a test with a recording client fails on a call not declared here.
   */
  calls: HandlerCalls<Spec>;
  /** The AWS service whose calls this handler makes (for the per-service concurrency limit). */
  service: 'apigateway' | 'cognito' | 'lambda' | 'iam' | 'logs';
  /**
   * The user's resource, not ours (an existing API, pool, or a method of theirs we secure): recorded `owned:
   * 'adopted'`, never cascaded over by destroy, and its `delete` only puts back what `create` changed.
   */
  adopted?: true;
  /**
   * Publishes its parent (the API): a new deployment of a stage. Any other change under that parent is served only
   * through it, so the planner ends every such change in exactly one update of this node, and the work graph runs it
   * after every other step under the parent (deletes included). Queried as a trait, never by kind or node id.
   */
  publishes?: true;
  /**
   * AWS deletes it with its parent (PlanNode.parent: an API's methods, a pool's clients, a function's permission):
   * when the parent is deleted too, the executor makes no call for it and drops its record once the parent is gone.
   */
  deletedWithParent?: true;
  /**
   * A resource found by its tags without a state (`destroy --orphans`) as a record to delete: the ids its delete
   * reads, and the found resources it must be deleted before (a domain before its pool). Absent: never found so.
   */
  fromFound?(found: FoundResource, all: readonly FoundResource[]): { out: Out; before: FoundResource[] };
  /**
   * A secret its create or update needs that only the environment gives (never the state): which one, so a run
   * refuses before its first call when it is not set rather than halfway through.
   */
  secretNeeded?(spec: Spec): { what: string; name: string; env: string };
  /**
   * Read the values `create` is about to change, before it changes them: journaled as the node's `prior` before the
   * write, so a run killed right after it still knows what to put back. Given to create and delete.
   */
  capturePrior?(ctx: Ctx, spec: Spec, deps: Outputs): Promise<Prior>;
  /** Create it; returns physical ids / ARNs. */
  create(ctx: Ctx, spec: Spec, deps: Outputs, prior?: Prior): Promise<Out>;
  /** Adopt one that exists (resume after a crash), found by deterministic name or tag. */
  find(ctx: Ctx, spec: Spec, deps: Outputs): Promise<Out | undefined>;
  /** Present / missing / drifted, with what differs. */
  read(ctx: Ctx, spec: Spec, out: Out, deps: Outputs): Promise<Observed>;
  /**
   * The live resource's tags, read before every delete or update (issue 25.4): a state naming a resource of another
   * stack (edited, copied) changes nothing of theirs. undefined: the resource is gone. Absent on kinds AWS does not
   * tag (methods, clients…): those follow the node they live in (src/engine/ownership.ts).
   */
  tags?(ctx: Ctx, out: Out, spec: Spec | undefined): Promise<TagSet | undefined>;
  /**
   * Ids recorded on the node that do not name the same resource (an edited state: a function ARN of another name, a
   * permission on a function its spec does not name): why, in words; the node is then not ours. `nodes` is the state.
   */
  unmatched?(spec: Spec | undefined, out: Out, nodes: Readonly<Record<string, { out: Out }>>): string | undefined;
  /**
   * Before the first create (src/orphans/preflight.ts): whether the name this node would take is held by a resource
   * that is not this stack's, with read calls only. `recorded`: the state's nodes (a domain on our recorded pool is ours).
   */
  nameTaken?(ctx: Ctx, spec: Spec, recorded: Readonly<Record<string, { out: Out }>>): Promise<{ what: string; name: string; owner: string } | undefined>;
  /**
   * With nameTaken: how the user picks another name (the flag and config key). `amongTaggedOnly`: AWS does not keep
   * the name unique, so only a resource carrying this stack's tag can clash (none while nothing carries it).
   */
  rename?: { change: string; amongTaggedOnly?: true };
  /**
   * What the operator policy scoped to this stack (`policy --stack`, src/plan/operator-policy.ts) names of it, from its
   * record: its id or name, by the list it goes in. `spec` is absent in a record without one.
   */
  policyNames?(spec: Spec | undefined, out: Out): Partial<Record<PolicyNameList, string | undefined>>;
  /** Idempotent: "not found" means done. */
  delete(ctx: Ctx, spec: Spec, out: Out, deps: Outputs, prior?: Prior): Promise<void>;
  /**
   * Bring the live resource to `want` in place (also what drifted: `fields` may be empty for a repair); idempotent,
   * so a run killed mid-update just sends it again. Absent: every change replaces the resource.
   * `resumed`: a run that stopped had journaled this very update, and nothing it depends on changes in this run. An
   * update that is not idempotent (a new deployment) looks first for what that run made.
   */
  update?(ctx: Ctx, want: Spec, out: Out, deps: Outputs, fields: FieldChange[], resumed?: boolean): Promise<Out>;
  /** Spec fields AWS never changes in place (a change to one replaces the resource), as the planner reads them. */
  immutable: readonly string[];
  /**
   * An adopted resource's change, before → after, for the plan (reads only): what `create` will change on it, or
   * what `delete` puts back (from the recorded prior). `labelOf` names another node of the plan (an authorizer).
   */
  preview?(ctx: Ctx, spec: Spec, deps: Outputs, o: { action: 'create' | 'delete'; prior?: Prior | undefined; labelOf: (nodeId: string) => string }): Promise<FieldChange[]>;
  /**
   * Drift paths `update` cannot put back (a method the owners opened is not ours to close: the configuration
   * decides). The planner plans no update for drift made only of these; status still reports it.
   */
  unrepairable?: readonly string[];
  /**
   * Take secure-api's own tags off the resource (`secure-api forget`: it is the user's from now on). Present on every
   * kind secure-api tags; idempotent.
   */
  release?(ctx: Ctx, spec: Spec, out: Out): Promise<void>;
}
