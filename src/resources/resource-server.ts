import { sometimes } from './declared-calls.js';
import {
  CreateResourceServerCommand, DeleteResourceServerCommand, DescribeResourceServerCommand, UpdateResourceServerCommand,
  type ResourceServerType,
} from '@aws-sdk/client-cognito-identity-provider';
import { awsErrorName } from '../aws/errors.js';
import { AwsFailure } from '../errors.js';
import type { DriftChange } from '../plan/changes.js';
import type { SpecByKind } from '../plan/specs.js';
import { errorMessage, ignoreNotFound, undefinedIfNotFound, userPoolIdOf } from './refs.js';
import type { Ctx, Out, Outputs, ResourceHandler } from './types.js';

type Spec = SpecByKind['resource-server'];

/** Every scope with a description (Cognito requires one); UpdateResourceServer takes the whole list, so both send this. */
export function resourceServerScopes(spec: Spec): Array<{ ScopeName: string; ScopeDescription: string }> {
  return spec.scopes.map((name) => ({ ScopeName: name, ScopeDescription: `${spec.identifier}/${name}` }));
}

async function describe(ctx: Ctx, spec: Spec, deps: Outputs): Promise<ResourceServerType | undefined> {
  const res = await undefinedIfNotFound(ctx.clients.cognito.send(new DescribeResourceServerCommand({ UserPoolId: userPoolIdOf(deps), Identifier: spec.identifier })));
  return res?.ResourceServer;
}

/**
 * The custom scopes of the stack's methods (`IDENTIFIER/NAME`), defined on the pool before any client names them. A
 * resource server has no tags: one is ours when its name is the one secure-api gives (it names the stack), so on a
 * pool that is not ours, another server with the same identifier is never taken over.
 */
export const resourceServerHandler: ResourceHandler<Spec> = {
  kind: 'resource-server',
  calls: {
    // A create whose answer was lost finds it by describing it (and brings it to the spec).
    create: ['cognito-idp:CreateResourceServer', sometimes('cognito-idp:DescribeResourceServer', 'the answer was lost'), sometimes('cognito-idp:UpdateResourceServer', 'the answer was lost')],
    find: ['cognito-idp:DescribeResourceServer'],
    read: ['cognito-idp:DescribeResourceServer'],
    update: ['cognito-idp:UpdateResourceServer'],
    delete: ['cognito-idp:DeleteResourceServer'],
  },
  service: 'cognito',
  // DeleteUserPool deletes the pool's resource servers with it.
  deletedWithParent: true,
  immutable: ['identifier'],

  async create(ctx, spec, deps) {
    try {
      await ctx.clients.cognito.send(new CreateResourceServerCommand({
        UserPoolId: userPoolIdOf(deps), Identifier: spec.identifier, Name: spec.name, Scopes: resourceServerScopes(spec),
      }));
    } catch (err) {
      // A lost answer made it already: take it when it carries our name, refuse when it is someone else's.
      if (awsErrorName(err) !== 'InvalidParameterException' || !/already exists/i.test(errorMessage(err))) throw err;
      const found = await resourceServerHandler.find(ctx, spec, deps);
      if (!found) {
        throw new AwsFailure(`The user pool already has a resource server ${spec.identifier} that secure-api did not make`, {
          code: 'RESOURCE_SERVER_TAKEN', hint: `Use another scope identifier in --authorizer-scopes, or remove that resource server if it is unused.`,
        });
      }
      await resourceServerHandler.update!(ctx, spec, found, deps, []);
      return found;
    }
    return { identifier: spec.identifier };
  },

  async find(ctx, spec, deps) {
    const rs = await describe(ctx, spec, deps);
    return rs && rs.Name === spec.name ? { identifier: spec.identifier } : undefined;
  },

  async read(ctx, spec, out, deps) {
    const rs = await describe(ctx, spec, deps);
    if (!rs) return { state: 'missing' };
    const live = (rs.Scopes ?? []).map((s) => s.ScopeName ?? '').sort();
    const want = [...spec.scopes].sort();
    const drift: DriftChange[] = [];
    // The whole set: a scope added outside is drift as much as one removed.
    if (live.join(' ') !== want.join(' ')) drift.push({ path: 'scopes', before: want, after: live });
    if (rs.Name !== spec.name) drift.push({ path: 'name', before: spec.name, after: rs.Name ?? '' });
    return drift.length > 0 ? { state: 'drifted', drift, out } : { state: 'present', out };
  },

  async update(ctx, want, out: Out, deps) {
    await ctx.clients.cognito.send(new UpdateResourceServerCommand({
      UserPoolId: userPoolIdOf(deps), Identifier: want.identifier, Name: want.name, Scopes: resourceServerScopes(want),
    }));
    return out;
  },

  async delete(ctx, spec, out, deps) {
    await ignoreNotFound(ctx.clients.cognito.send(new DeleteResourceServerCommand({ UserPoolId: userPoolIdOf(deps), Identifier: out.identifier ?? spec.identifier })));
  },
};
