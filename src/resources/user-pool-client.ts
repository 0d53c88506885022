import { sometimes } from './declared-calls.js';
import {
  CreateUserPoolClientCommand, DeleteUserPoolClientCommand, DescribeUserPoolClientCommand, ListUserPoolClientsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { SpecByKind } from '../plan/specs.js';
import { createOrFind } from './create-or-find.js';
import { ignoreNotFound, undefinedIfNotFound, userPoolIdOf } from './refs.js';
import type { ResourceHandler } from './types.js';
import { updateUserPoolClient } from './cognito-updates.js';
import { clientDrift, createUserPoolClientInput } from './user-pool-client-settings.js';

export { createUserPoolClientInput };

type Spec = SpecByKind['user-pool-client'];

/**
 * The app client users sign in through. Its secret (when generated) is never returned from here and
 * never stored: whoever needs it (SECRET_HASH in verify/) reads it from Cognito at that moment.
 */
export const userPoolClientHandler: ResourceHandler<Spec> = {
  kind: 'user-pool-client',
  calls: {
    create: ['cognito-idp:CreateUserPoolClient', sometimes('cognito-idp:ListUserPoolClients', 'the answer was lost: find looks for it')],
    find: ['cognito-idp:ListUserPoolClients'],
    read: ['cognito-idp:DescribeUserPoolClient'],
    update: ['cognito-idp:UpdateUserPoolClient'],
    delete: ['cognito-idp:DeleteUserPoolClient'],
  },
  service: 'cognito',
  // DeleteUserPool deletes the pool's app clients with it.
  deletedWithParent: true,
  immutable: ['generateSecret'],
  update: (ctx, want, out, deps) => updateUserPoolClient(ctx, want, out, deps),

  async create(ctx, spec, deps) {
    // Not idempotent: after a lost answer, look for it by its name in our pool before making another.
    return createOrFind(ctx, { what: `app client ${spec.name}`, service: 'cognito', command: 'CreateUserPoolClientCommand' }, async () => {
      const res = await ctx.clients.cognito.send(new CreateUserPoolClientCommand(createUserPoolClientInput(spec, userPoolIdOf(deps))));
      const clientId = res.UserPoolClient?.ClientId;
      if (!clientId) throw new Error(`CreateUserPoolClient returned no client id for ${spec.name}`);
      return { clientId };
    }, () => userPoolClientHandler.find(ctx, spec, deps));
  },

  async find(ctx, spec, deps) {
    const userPoolId = userPoolIdOf(deps);
    let token: string | undefined;
    do {
      const page = await ctx.clients.cognito.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60, NextToken: token }));
      const hit = page.UserPoolClients?.find((c) => c.ClientName === spec.name);
      if (hit?.ClientId) return { clientId: hit.ClientId };
      token = page.NextToken;
    } while (token);
    return undefined;
  },

  async read(ctx, spec, out, deps) {
    const res = await undefinedIfNotFound(ctx.clients.cognito.send(new DescribeUserPoolClientCommand({
      UserPoolId: userPoolIdOf(deps), ClientId: out.clientId,
    })));
    const client = res?.UserPoolClient;
    if (!client) return { state: 'missing' };
    // Whether it has a secret is fixed at creation (GenerateSecret replaces the client): never drift, and the secret is never read here.
    const drift = clientDrift(spec, client);
    return drift.length > 0 ? { state: 'drifted', drift, out } : { state: 'present', out };
  },

  async delete(ctx, _spec, out, deps) {
    await ignoreNotFound(ctx.clients.cognito.send(new DeleteUserPoolClientCommand({ UserPoolId: userPoolIdOf(deps), ClientId: out.clientId })));
  },
};
