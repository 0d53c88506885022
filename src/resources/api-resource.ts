import { sometimes } from './declared-calls.js';
import { CreateResourceCommand, DeleteResourceCommand, GetResourcesCommand } from '@aws-sdk/client-api-gateway';
import { createOnceIn } from '../aws/create-once.js';
import { isAlreadyExists } from '../aws/errors.js';
import type { SpecByKind } from '../plan/specs.js';
import { apiTree, ignoreNotFound, resourceIdFor, restApiIdOf } from './refs.js';
import type { Ctx, Out, ResourceHandler } from './types.js';

type Spec = SpecByKind['api-resource'];

async function findByPath(ctx: Ctx, restApiId: string, path: string): Promise<Out | undefined> {
  let position: string | undefined;
  do {
    const page = await ctx.clients.apigateway.send(new GetResourcesCommand({ restApiId, limit: 500, position }));
    const hit = page.items?.find((r) => r.path === path);
    if (hit?.id) return { resourceId: hit.id, path };
    position = page.position;
  } while (position);
  return undefined;
}

/** One path segment under its parent ('{param}' segments included). */
export const apiResourceHandler: ResourceHandler<Spec> = {
  kind: 'api-resource',
  calls: {
    create: ['apigateway:CreateResource', sometimes('apigateway:GetResources', 'the answer was lost: find looks for it')],
    find: ['apigateway:GetResources'],
    read: ['apigateway:GetResources'],
    delete: ['apigateway:DeleteResource'],
  },
  service: 'apigateway',
  // DeleteRestApi deletes the API's resources with it.
  deletedWithParent: true,
  immutable: ['path', 'pathPart', 'parentNode'],

  async create(ctx, spec, deps) {
    const restApiId = restApiIdOf(deps);
    // After a lost answer, look for the segment before sending the create again.
    return createOnceIn(ctx, `resource ${spec.path}`, async () => {
      try {
        const res = await ctx.clients.apigateway.send(new CreateResourceCommand({
          restApiId, parentId: resourceIdFor(deps, spec.parentNode), pathPart: spec.pathPart,
        }));
        if (!res.id) throw new Error(`CreateResource returned no id for ${spec.path}`);
        return { resourceId: res.id, path: res.path ?? spec.path };
      } catch (err) {
        // "Another resource with the same parent already has this name": the segment exists under our API, so use
        // it. The other ConflictException, concurrent modification, means nothing was made (the sender retries it).
        if (!isAlreadyExists(err)) throw err;
        const existing = await findByPath(ctx, restApiId, spec.path);
        if (!existing) throw err;
        return existing;
      }
    }, () => findByPath(ctx, restApiId, spec.path));
  },

  async find(ctx, spec, deps) {
    return findByPath(ctx, restApiIdOf(deps), spec.path);
  },

  async read(ctx, spec, out, deps) {
    const res = (await apiTree(ctx, restApiIdOf(deps)))?.find((r) => r.id === out.resourceId);
    if (!res) return { state: 'missing' };
    return res.path === spec.path
      ? { state: 'present', out }
      : { state: 'drifted', drift: [{ path: 'path', before: spec.path, after: res.path ?? null }], out };
  },

  // Normally skipped: deleting the API removes its resources.
  async delete(ctx, _spec, out, deps) {
    await ignoreNotFound(ctx.clients.apigateway.send(new DeleteResourceCommand({
      restApiId: restApiIdOf(deps), resourceId: out.resourceId,
    })));
  },
};
