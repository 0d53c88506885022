import { ACCESS_LOG_PREFIX } from '../config/schema.js';
import { sometimes } from './declared-calls.js';
import {
  CreateRestApiCommand, DeleteRestApiCommand, GetResourcesCommand, GetRestApiCommand,
  type RestApi,
} from '@aws-sdk/client-api-gateway';
import { createOnceIn } from '../aws/create-once.js';
import { eachRestApi } from '../aws/pages.js';
import type { DriftChange } from '../plan/changes.js';
import type { SpecByKind } from '../plan/specs.js';
import { tagDrift, wantedTags } from './tags.js';
import { carriesStack, ignoreNotFound, isOurs, ownerText, readOnce, undefinedIfNotFound } from './refs.js';
import type { Ctx, Out, ResourceHandler } from './types.js';
import { updateRestApi } from './api-gateway-updates.js';
import { releaseRestApi } from './release.js';

type Spec = SpecByKind['rest-api'];

/** AWS's largest page for GetRestApis / GetResources. */
const PAGE = 500;

/** Recent API Gateway returns the root id with the API; older responses (and some emulators) need one lookup. */
async function rootResourceIdOf(ctx: Ctx, api: RestApi): Promise<string> {
  if (api.rootResourceId) return api.rootResourceId;
  const res = await ctx.clients.apigateway.send(new GetResourcesCommand({ restApiId: api.id, limit: PAGE }));
  const root = res.items?.find((r) => r.path === '/');
  if (!root?.id) throw new Error(`REST API ${api.id ?? '?'} has no root resource`);
  return root.id;
}

async function toOut(ctx: Ctx, api: RestApi): Promise<Out> {
  if (!api.id) throw new Error('API Gateway returned a REST API without an id');
  return { apiId: api.id, rootResourceId: await rootResourceIdOf(ctx, api) };
}

/** Step 1 of the tutorial: the REST API itself, tagged so a resumed run can find it by name and tag. */
/** The API as GetRestApi answers it; one call per run when the run shares reads (status: its tags and its read). */
function liveRestApi(ctx: Ctx, restApiId: string) {
  return readOnce(ctx, `apigateway:rest-api:${restApiId}`, () => undefinedIfNotFound(ctx.clients.apigateway.send(new GetRestApiCommand({ restApiId }))));
}

export const restApiHandler: ResourceHandler<Spec> = {
  kind: 'rest-api',
  calls: {
    create: [
      'apigateway:CreateRestApi', sometimes('apigateway:GetResources', 'the answer lacks the root resource id (older API Gateway, emulators)'),
      sometimes('apigateway:GetRestApis', 'the answer was lost: find looks for it'),
    ],
    nameTaken: ['apigateway:GetRestApis'],
    find: ['apigateway:GetRestApis', sometimes('apigateway:GetResources', 'the answer lacks the root resource id')],
    read: ['apigateway:GetRestApi'],
    tags: ['apigateway:GetRestApi'],
    update: [
      'apigateway:GetRestApi', sometimes('apigateway:UpdateRestApi', 'the endpoint type or description differs'),
      sometimes('apigateway:TagResource', 'a tag is missing or differs'), sometimes('apigateway:UntagResource', 'a user tag was dropped'),
    ],
    delete: ['apigateway:DeleteRestApi'],
    release: ['apigateway:UntagResource'],
  },
  policyNames: (_spec, out) => ({ apiIds: out.apiId }),
  service: 'apigateway',
  immutable: [],
  update: (ctx, want, out, _deps, fields) => updateRestApi(ctx, want, out, fields),
  release: (ctx, _spec, out) => releaseRestApi(ctx, out),

  async create(ctx, spec) {
    // Not idempotent: after a lost answer, look for it (by name and tag, as find does) before making another.
    return createOnceIn(ctx, `REST API ${spec.name}`, async () => {
      const api = await ctx.clients.apigateway.send(new CreateRestApiCommand({
        name: spec.name,
        description: spec.description,
        endpointConfiguration: { types: [spec.endpointType] },
        tags: wantedTags(ctx, spec.tags),
      }));
      return toOut(ctx, api);
    }, () => restApiHandler.find(ctx, spec, {}));
  },

  // API names are not unique in AWS: only another state's API of this stack and name would confuse the two.
  rename: { change: '--api-name (api.name)', amongTaggedOnly: true },
  async nameTaken(ctx, spec) {
    for await (const a of eachRestApi(ctx.clients)) {
      if (a.name === spec.name && carriesStack(ctx, a.tags) && !isOurs(ctx, a.tags)) return { what: 'REST API name', name: `${spec.name} (${a.id ?? '?'})`, owner: ownerText(a.tags) };
    }
    return undefined;
  },

  async find(ctx, spec) {
    const matches: RestApi[] = [];
    for await (const a of eachRestApi(ctx.clients)) if (a.name === spec.name && isOurs(ctx, a.tags)) matches.push(a);
    // Names are not unique in API Gateway; the newest is the one an interrupted run just made.
    const newest = matches.sort((a, b) => (b.createdDate?.getTime() ?? 0) - (a.createdDate?.getTime() ?? 0))[0];
    return newest ? toOut(ctx, newest) : undefined;
  },

  async read(ctx, spec, out) {
    const api = await liveRestApi(ctx, out.apiId ?? '');
    if (!api) return { state: 'missing' };
    const types = api.endpointConfiguration?.types ?? [];
    const drift: DriftChange[] = [
      ...(types.includes(spec.endpointType) ? [] : [{ path: 'endpointType', before: spec.endpointType, after: types.join(',') }]),
      ...tagDrift(spec.tags, api.tags),
    ];
    return drift.length ? { state: 'drifted', drift, out } : { state: 'present', out };
  },

  async tags(ctx, out) {
    const api = await liveRestApi(ctx, out.apiId ?? '');
    return api && (api.tags ?? {});
  },

  async delete(ctx, _spec, out) {
    // The client wrapper already waits out DeleteRestApi's one-per-30-s throttle.
    await ignoreNotFound(ctx.clients.apigateway.send(new DeleteRestApiCommand({ restApiId: out.apiId })));
  },
  // destroy --orphans: DeleteRestApi takes the API id.
  // destroy --orphans: the API goes before the found access-log groups (its stage logs into one until it is gone).
  fromFound: (found, all) => ({ out: { apiId: found.id }, before: all.filter((r) => r.kind === 'log-group' && r.id.startsWith(ACCESS_LOG_PREFIX)) }),
};
