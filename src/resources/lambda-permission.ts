import type { DriftChange } from '../plan/changes.js';
import { AddPermissionCommand, GetPolicyCommand, RemovePermissionCommand } from '@aws-sdk/client-lambda';
import { z } from 'zod';
import { awsErrorName } from '../aws/errors.js';
import type { SpecByKind } from '../plan/specs.js';
import { depOut, errorMessage, executeApiSourceArn, ignoreNotFound, restApiIdOf, undefinedIfNotFound } from './refs.js';
import type { Ctx, Out, Outputs, ResourceHandler } from './types.js';

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

async function findStatement(ctx: Ctx, functionName: string, statementId: string): Promise<Statement | undefined> {
  // No policy at all (or no function) comes back as ResourceNotFoundException.
  const res = await undefinedIfNotFound(ctx.clients.lambda.send(new GetPolicyCommand({ FunctionName: functionName })));
  if (!res?.Policy) return undefined;
  const parsed = PolicyDocument.safeParse(JSON.parse(res.Policy) as unknown);
  return parsed.success ? parsed.data.Statement.find((s) => s.Sid === statementId) : undefined;
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

/** The statement must still let API Gateway invoke the function (fields AWS always writes; absent ones are not judged). */
export function grantDrift(statement: Statement): DriftChange[] {
  const drift: DriftChange[] = [];
  const principal = statement.Principal;
  const services = principal === undefined ? undefined : typeof principal === 'string' ? [principal] : asList(principal.Service);
  if (services !== undefined && !services.includes('apigateway.amazonaws.com')) {
    drift.push({ path: 'permission.principal', before: 'apigateway.amazonaws.com', after: JSON.stringify(principal) });
  }
  const actions = statement.Action === undefined ? undefined : asList(statement.Action);
  if (actions !== undefined && !actions.some((a) => a === 'lambda:InvokeFunction' || a === 'lambda:*')) {
    drift.push({ path: 'permission.action', before: 'lambda:InvokeFunction', after: actions });
  }
  return drift;
}

/** Lets API Gateway invoke the function, from this API only; without it the API answers 500. */
export const lambdaPermissionHandler: ResourceHandler<Spec> = {
  kind: 'lambda-permission',
  service: 'lambda',
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
    const statement = await findStatement(ctx, functionName, out.statementId ?? spec.statementId);
    if (!statement) return { state: 'missing' };
    const apiId = deps.api?.apiId;
    if (apiId === undefined) return { state: 'present', out };
    const expected = sourceArnFor(ctx, spec, apiId);
    const actual = sourceArnOf(statement);
    const drift: DriftChange[] = actual === expected ? [] : [{ path: 'permission.sourceArn', before: expected, after: actual ?? null }];
    drift.push(...grantDrift(statement));
    return drift.length > 0 ? { state: 'drifted', drift, out } : { state: 'present', out };
  },

  async delete(ctx, spec, out, deps) {
    await ignoreNotFound(ctx.clients.lambda.send(new RemovePermissionCommand({
      FunctionName: out.functionName ?? functionNameFor(spec, deps),
      StatementId: out.statementId ?? spec.statementId,
    })));
  },
};
