import type {
  CreateResourceServerCommandInput, CreateResourceServerCommandOutput, DeleteResourceServerCommandInput,
  DescribeResourceServerCommandInput, DescribeResourceServerCommandOutput, ListResourceServersCommandInput,
  ListResourceServersCommandOutput, ResourceServerType, UpdateResourceServerCommandInput, UpdateResourceServerCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import { cognitoPage, fail, getPool } from './cognito-pools.js';
import { copy, type Handlers, type Out } from './core.js';
import type { PoolRecord, ResourceServerRecord } from './state.js';

/**
 * Resource servers: the custom OAuth scopes of a pool (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateResourceServer.html
 * and the AWS::Cognito::UserPoolResourceServer page of the CloudFormation user guide). A client may name a scope
 * `IDENTIFIER/NAME` only when a resource server of its pool defines it (ScopeDoesNotExistException otherwise, aws-cdk #10676).
 */
// Patterns from the API reference: Identifier [\x21\x23-\x5B\x5D-\x7E]+ (1..256), Name [\w\s+=,.@-]+ (1..256),
// ScopeName [\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+ (1..256, no "/"), at most 100 scopes.
const IDENTIFIER = /^[\x21\x23-\x5B\x5D-\x7E]{1,256}$/;
const NAME = /^[\w\s+=,.@-]{1,256}$/;
const SCOPE_NAME = /^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]{1,256}$/;

export function resourceServersOf(pool: PoolRecord): Record<string, ResourceServerRecord> {
  pool.resourceServers ??= {};
  return pool.resourceServers;
}

/** Whether `scope` (IDENTIFIER/NAME, the identifier being all before the last "/") is defined on the pool. */
export function scopeDefined(pool: PoolRecord, scope: string): boolean {
  const cut = scope.lastIndexOf('/');
  if (cut <= 0) return false;
  const rs = resourceServersOf(pool)[scope.slice(0, cut)];
  return rs !== undefined && rs.Scopes.some((s) => s.ScopeName === scope.slice(cut + 1));
}

function validate(input: { Name?: string | undefined; Scopes?: Array<{ ScopeName?: string | undefined; ScopeDescription?: string | undefined }> | undefined }): ResourceServerRecord['Scopes'] {
  if (!input.Name || !NAME.test(input.Name)) fail('InvalidParameterException', `1 validation error detected: Value '${input.Name ?? ''}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+`);
  const scopes = input.Scopes ?? [];
  if (scopes.length > 100) fail('InvalidParameterException', "1 validation error detected: Value at 'scopes' failed to satisfy constraint: Member must have length less than or equal to 100");
  const seen = new Set<string>();
  return scopes.map((s) => {
    const name = s.ScopeName ?? '';
    if (!SCOPE_NAME.test(name)) fail('InvalidParameterException', `1 validation error detected: Value '${name}' at 'scopes.member.scopeName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\x21\\x23-\\x2E\\x30-\\x5B\\x5D-\\x7E]+`);
    if (!s.ScopeDescription) fail('InvalidParameterException', "1 validation error detected: Value null at 'scopes.member.scopeDescription' failed to satisfy constraint: Member must not be null");
    if (seen.has(name)) fail('InvalidParameterException', `Duplicate scope name ${name}`);
    seen.add(name);
    return { ScopeName: name, ScopeDescription: s.ScopeDescription };
  });
}

const out = (r: ResourceServerRecord): ResourceServerType => copy(r);

export const resourceServerHandlers: Handlers = {
  CreateResourceServer(ctx, input: CreateResourceServerCommandInput): Out<CreateResourceServerCommandOutput> {
    const pool = getPool(ctx, input.UserPoolId);
    const id = input.Identifier ?? '';
    if (!IDENTIFIER.test(id)) fail('InvalidParameterException', `1 validation error detected: Value '${id}' at 'identifier' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\x21\\x23-\\x5B\\x5D-\\x7E]+`);
    const scopes = validate(input);
    const all = resourceServersOf(pool);
    if (all[id]) fail('InvalidParameterException', `${id} already exists in ${pool.Id}`);
    const rs: ResourceServerRecord = { UserPoolId: pool.Id, Identifier: id, Name: input.Name ?? '', Scopes: scopes };
    all[id] = rs;
    return { ResourceServer: out(rs) };
  },

  DescribeResourceServer(ctx, input: DescribeResourceServerCommandInput): Out<DescribeResourceServerCommandOutput> {
    const rs = resourceServersOf(getPool(ctx, input.UserPoolId))[input.Identifier ?? ''];
    if (!rs) fail('ResourceNotFoundException', `Resource server ${input.Identifier ?? ''} does not exist.`);
    return { ResourceServer: out(rs) };
  },

  /** Name and Scopes are required and replace what is stored: scopes not sent are removed (API_UpdateResourceServer: "If you don't provide a value for an attribute, it is set to the default value"). */
  UpdateResourceServer(ctx, input: UpdateResourceServerCommandInput): Out<UpdateResourceServerCommandOutput> {
    const pool = getPool(ctx, input.UserPoolId);
    const all = resourceServersOf(pool);
    const rs = all[input.Identifier ?? ''];
    if (!rs) fail('ResourceNotFoundException', `Resource server ${input.Identifier ?? ''} does not exist.`);
    const scopes = validate(input);
    const updated: ResourceServerRecord = { ...rs, Name: input.Name ?? rs.Name, Scopes: scopes };
    all[rs.Identifier] = updated;
    return { ResourceServer: out(updated) };
  },

  DeleteResourceServer(ctx, input: DeleteResourceServerCommandInput): object {
    const all = resourceServersOf(getPool(ctx, input.UserPoolId));
    if (!all[input.Identifier ?? '']) fail('ResourceNotFoundException', `Resource server ${input.Identifier ?? ''} does not exist.`);
    delete all[input.Identifier ?? ''];
    return {};
  },

  /** MaxResults is required here (1..50), unlike the other Cognito lists (API_ListResourceServers). */
  ListResourceServers(ctx, input: ListResourceServersCommandInput): Out<ListResourceServersCommandOutput> {
    const all = Object.values(resourceServersOf(getPool(ctx, input.UserPoolId))).map(out);
    if (input.MaxResults === undefined || input.MaxResults < 1 || input.MaxResults > 50) {
      fail('InvalidParameterException', "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 50");
    }
    const p = cognitoPage(all, input.NextToken, input.MaxResults);
    return { ResourceServers: p.items, ...(p.next ? { NextToken: p.next } : {}) };
  },
};
