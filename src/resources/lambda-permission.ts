import { sometimes } from './declared-calls.js';
import type { DriftChange } from '../plan/changes.js';
import { AddPermissionCommand, GetPolicyCommand, RemovePermissionCommand } from '@aws-sdk/client-lambda';
import { z } from 'zod';
import { awsErrorName } from '../aws/errors.js';
import type { SpecByKind } from '../plan/specs.js';
import { depOut, errorMessage, executeApiSourceArn, ignoreNotFound, restApiIdOf, undefinedIfNotFound } from './refs.js';
import type { Ctx, Out, Outputs, ResourceHandler } from './types.js';
import { asSet, settingsDrift } from './settings-drift.js';

type Spec = SpecByKind['lambda-permission'];

/** The parts of a Lambda resource policy we read; AWS may add more. */
const PolicyDocument = z.object({
  Statement: z.array(z.object({
    Sid: z.string().optional(),
    // An unexpected shape here must not hide the statement: it is then simply not judged.
    Action: z.union([z.string(), z.array(z.string())]).optional().catch(undefined),
    Principal: z.union([z.string(), z.record(z.string(), z.union([z.string(), z.array(z.string())]))]).optional().catch(undefined),
    Condition: z.record(z.string(), z.record(z.string(), z.union([z.string(), z.array(z.string())]))).optional(),
  })),
});
type Statement = z.infer<typeof PolicyDocument>['Statement'][number];

/** The methods that may invoke: one (any stage, that method and path), or the whole API for our own sample function. */
function sourceArnFor(ctx: Ctx, spec: Spec, apiId: string): string {
  const all = executeApiSourceArn(ctx, apiId);
  return spec.sourcePath ? `${all.slice(0, -'/*/*'.length)}/${spec.sourcePath}` : all;
}

/** FunctionName accepts a name or an ARN, so an existing function's ARN is used as is. */
function functionNameFor(spec: Spec, deps: Outputs): string {
  return 'arn' in spec.function ? spec.function.arn : depOut(deps, spec.function.node, 'functionName');
}

function toOut(functionName: string, statementId: string): Out {
  return { functionName, statementId };
}

/** The statements of the function's resource policy; none when it has no policy (or no function). */
async function policyStatements(ctx: Ctx, functionName: string): Promise<Statement[]> {
  // No policy at all (or no function) comes back as ResourceNotFoundException.
  const res = await undefinedIfNotFound(ctx.clients.lambda.send(new GetPolicyCommand({ FunctionName: functionName })));
  if (!res?.Policy) return [];
  const parsed = PolicyDocument.safeParse(JSON.parse(res.Policy) as unknown);
  return parsed.success ? parsed.data.Statement : [];
}

async function findStatement(ctx: Ctx, functionName: string, statementId: string): Promise<Statement | undefined> {
  return (await policyStatements(ctx, functionName)).find((s) => s.Sid === statementId);
}

/** AWS writes `ArnLike: { "AWS:SourceArn": … }`; read it whatever the condition operator. */
export function sourceArnOf(statement: Statement): string | undefined {
  for (const block of Object.values(statement.Condition ?? {})) {
    const value = block['AWS:SourceArn'];
    if (value !== undefined) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The grant a spec asks for; on our own function (`others` given) no other statement may share its policy. */
export function permissionSettings(sourceArn: string | undefined, ownFunction: boolean) {
  return {
    permission: {
      principal: 'apigateway.amazonaws.com' as string | undefined, action: 'lambda:InvokeFunction' as string | string[] | undefined, sourceArn,
      otherStatements: ownFunction ? [] as string[] : undefined,
    },
  };
}

/** Our statement read back as that grant; `others` are the Sids of the rest of the policy (our own function only). */
export function observePermission(statement: Statement, sourceArnKnown: boolean, others: string[] | undefined): ReturnType<typeof permissionSettings> {
  const principal = statement.Principal;
  const services = principal === undefined || typeof principal === 'string' ? undefined : asList(principal.Service);
  const actions = asList(statement.Action);
  return {
    permission: {
      principal: typeof principal === 'string' ? principal : services?.length === 1 && Object.keys(principal ?? {}).length === 1 ? services[0] : principal && JSON.stringify(principal),
      action: actions.length === 1 ? actions[0] : actions,
      sourceArn: sourceArnKnown ? sourceArnOf(statement) : undefined,
      otherStatements: others === undefined ? undefined : asSet(others),
    },
  };
}

/** What differs from the grant: principal, action, SourceArn, and (our own function) any statement beside ours. */
export function grantDrift(statement: Statement, expectedSourceArn?: string, others?: string[]): DriftChange[] {
  return settingsDrift(permissionSettings(expectedSourceArn, others !== undefined), observePermission(statement, expectedSourceArn !== undefined, others));
}

/** The SourceArn our statement must carry; unknown (no API recorded): not judged. */
function expectedSourceArn(ctx: Ctx, spec: Spec, deps: Outputs): string | undefined {
  const apiId = deps.api?.apiId;
  return apiId === undefined ? undefined : sourceArnFor(ctx, spec, apiId);
}

/** The Sids beside ours, on our own function only: a user's own function may have other callers, and they are theirs. */
function othersOn(spec: Spec, statements: Statement[], sid: string): string[] | undefined {
  return 'node' in spec.function ? statements.flatMap((s) => (s.Sid !== sid ? [s.Sid ?? '(no Sid)'] : [])) : undefined;
}

/** Lets API Gateway invoke the function, from this API only; without it the API answers 500. */
export const lambdaPermissionHandler: ResourceHandler<Spec> = {
  kind: 'lambda-permission',
  calls: {
    create: ['lambda:AddPermission'],
    find: ['lambda:GetPolicy'],
    read: ['lambda:GetPolicy'],
    update: ['lambda:GetPolicy', sometimes('lambda:RemovePermission', 'the statement differs'), sometimes('lambda:AddPermission', 'the statement differs')],
    delete: ['lambda:RemovePermission'],
  },
  // The function API Gateway may invoke (a user's own, by name from its ARN).
  policyNames: (spec) => ({ targetFunctionNames: spec?.function && 'arn' in spec.function ? spec.function.arn.split(':')[6] : undefined }),
  service: 'lambda',
  // DeleteFunction deletes the function's resource-based policy (its permissions) with it.
  deletedWithParent: true,
  immutable: ['statementId', 'function'],

  async create(ctx, spec, deps) {
    const functionName = functionNameFor(spec, deps);
    try {
      await ctx.clients.lambda.send(new AddPermissionCommand({
        FunctionName: functionName,
        StatementId: spec.statementId,
        Action: 'lambda:InvokeFunction',
        Principal: 'apigateway.amazonaws.com',
        SourceArn: sourceArnFor(ctx, spec, restApiIdOf(deps)),
      }));
    } catch (err) {
      // Our deterministic statement id is already there (a resumed run): adopt it.
      if (!(awsErrorName(err) === 'ResourceConflictException' && /already exists/i.test(errorMessage(err)))) throw err;
    }
    return toOut(functionName, spec.statementId);
  },

  async find(ctx, spec, deps) {
    const functionName = functionNameFor(spec, deps);
    const statement = await findStatement(ctx, functionName, spec.statementId);
    return statement ? toOut(functionName, spec.statementId) : undefined;
  },

  async read(ctx, spec, out, deps) {
    const functionName = out.functionName ?? functionNameFor(spec, deps);
    const statements = await policyStatements(ctx, functionName);
    const sid = out.statementId ?? spec.statementId;
    const statement = statements.find((s) => s.Sid === sid);
    if (!statement) return { state: 'missing' };
    const drift = grantDrift(statement, expectedSourceArn(ctx, spec, deps), othersOn(spec, statements, sid));
    return drift.length > 0 ? { state: 'drifted', drift, out } : { state: 'present', out };
  },

  /**
   * Put the grant back: on our own function the statements someone added beside ours are removed (they let someone
   * else invoke it), and ours, when changed, is removed and added again (a statement cannot be edited in place).
   */
  async update(ctx, want, out, deps) {
    const functionName = out.functionName ?? functionNameFor(want, deps);
    const statements = await policyStatements(ctx, functionName);
    const sid = out.statementId ?? want.statementId;
    const ours = statements.find((s) => s.Sid === sid);
    for (const other of othersOn(want, statements, sid) ?? []) {
      await ignoreNotFound(ctx.clients.lambda.send(new RemovePermissionCommand({ FunctionName: functionName, StatementId: other })));
    }
    if (ours && grantDrift(ours, expectedSourceArn(ctx, want, deps)).length === 0) return out;
    if (ours) await ignoreNotFound(ctx.clients.lambda.send(new RemovePermissionCommand({ FunctionName: functionName, StatementId: sid })));
    return lambdaPermissionHandler.create(ctx, want, deps);
  },

  // Update and delete act on out.functionName: it must be the function the spec names (src/engine/ownership.ts).
  unmatched(spec, out, nodes) {
    const fn = spec?.function;
    const named = fn === undefined ? undefined : 'arn' in fn ? fn.arn : nodes[fn.node]?.out.functionName;
    if (out.functionName === undefined || out.functionName === named) return undefined;
    return `the permission names function ${out.functionName}, not ${named ?? 'the function its spec names'}`;
  },

  async delete(ctx, spec, out, deps) {
    await ignoreNotFound(ctx.clients.lambda.send(new RemovePermissionCommand({
      FunctionName: out.functionName ?? functionNameFor(spec, deps),
      StatementId: out.statementId ?? spec.statementId,
    })));
  },
};
