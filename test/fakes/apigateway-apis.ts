import type {
  CreateResourceCommandInput, CreateResourceCommandOutput, CreateRestApiCommandInput, CreateRestApiCommandOutput,
  DeleteResourceCommandInput, DeleteRestApiCommandInput, GetResourceCommandInput, GetResourceCommandOutput, GetResourcesCommandInput,
  GetResourcesCommandOutput, GetRestApiCommandInput, GetRestApiCommandOutput, GetRestApisCommandInput, GetRestApisCommandOutput,
  GetTagsCommandInput, GetTagsCommandOutput, Method, Resource, RestApi, TagResourceCommandInput, UntagResourceCommandInput,
  UpdateRestApiCommandInput, UpdateRestApiCommandOutput,
} from '@aws-sdk/client-api-gateway';
import { LOWER_ALNUM, compact, copy, date, page, randomString, uniqueId, regionOf, type Ctx, type Handlers, type Out } from './core.js';
import { awsError, type AwsErrorExtras } from './errors.js';
import type { ApiRecord, ResourceRecord } from './state.js';

export function fail(name: string, message: string, extras?: AwsErrorExtras): never {
  throw awsError('apigateway', name, message, extras);
}

export function getApi(ctx: Ctx, id: string | undefined): ApiRecord {
  const api = id === undefined ? undefined : ctx.state.apigateway.apis[id];
  if (!api) fail('NotFoundException', `Invalid API identifier specified ${ctx.state.account}:${id ?? ''}`);
  return api;
}

export function getResource(api: ApiRecord, id: string | undefined): ResourceRecord {
  const r = id === undefined ? undefined : api.resources[id];
  if (!r) fail('NotFoundException', 'Invalid Resource identifier specified');
  return r;
}

export function pageOf<T>(items: readonly T[], position: string | undefined, limit: number | undefined): { items: T[]; position?: string } {
  const p = page(items, {
    token: position, limit, defaultLimit: 25, maxLimit: 500,
    invalid: (what) => fail('BadRequestException', what === 'token' ? 'Invalid position parameter' : 'Invalid limit parameter'),
  });
  return p.next === undefined ? { items: p.items } : { items: p.items, position: p.next };
}

export function restApiArn(ctx: Ctx, id: string): string {
  return `arn:aws:apigateway:${regionOf(ctx)}::/restapis/${id}`;
}

function restApiOut(a: ApiRecord): RestApi {
  return compact({
    id: a.id, name: a.name, description: a.description, version: a.version, createdDate: date(a.createdDate),
    apiKeySource: a.apiKeySource as RestApi['apiKeySource'], endpointConfiguration: copy(a.endpointConfiguration) as RestApi['endpointConfiguration'],
    disableExecuteApiEndpoint: a.disableExecuteApiEndpoint, rootResourceId: a.rootResourceId, binaryMediaTypes: copy(a.binaryMediaTypes),
    minimumCompressionSize: a.minimumCompressionSize, policy: a.policy, tags: { ...a.tags },
  });
}

/** Without `embed: ['methods']` AWS lists each method as an empty object; with it, in full. */
export function resourceOut(r: ResourceRecord, embed: string[] | undefined): Resource {
  const names = Object.keys(r.methods);
  const full = embed?.includes('methods') ?? false;
  const resourceMethods = names.length === 0 ? undefined
    : Object.fromEntries(names.map((m) => [m, full ? copy(r.methods[m] as Method) : {}]));
  return compact({ id: r.id, parentId: r.parentId, pathPart: r.pathPart, path: r.path, resourceMethods });
}

/**
 * CreateResource's pathPart: a-zA-Z0-9._-, or a whole {name} / greedy {name+}; anything else (~, spaces, %, a slash)
 * is BadRequestException "Resource's path part only allow a-zA-Z0-9._- and curly braces…" (claudiajs/claudia #11,
 * serverless/blog #629, terraform #21048). Real accounts also take ':' despite that message (getmoto/moto #6148
 * "based on some cursory testing against AWS", aws-cdk #22477 "works in both the L1 construct and the console").
 */
const PATH_PART = /^(\{[a-zA-Z0-9._-]+\+?\}|[a-zA-Z0-9._:-]+)$/;

/** Resource ids under (and including) `id`, children first. */
export function subtree(api: ApiRecord, id: string): string[] {
  const children = Object.values(api.resources).filter((r) => r.parentId === id).flatMap((r) => subtree(api, r.id));
  return [...children, id];
}

/** Parses `arn:aws:apigateway:{region}::/restapis/{id}[/stages/{name}]` to the tag holder. */
function taggable(ctx: Ctx, arn: string | undefined): { tags: Record<string, string> } {
  const m = /^arn:aws[\w-]*:apigateway:[\w-]+::\/restapis\/([^/]+)(?:\/stages\/([^/]+))?$/.exec(arn ?? '');
  if (!m) fail('BadRequestException', 'Invalid ARN specified in the request');
  const api = getApi(ctx, m[1]);
  if (m[2] === undefined) return api;
  const stage = api.stages[m[2]];
  if (!stage) fail('NotFoundException', 'Invalid Stage identifier specified');
  return stage;
}

export const apiHandlers: Handlers = {
  CreateRestApi(ctx, input: CreateRestApiCommandInput): Out<CreateRestApiCommandOutput> {
    if (!input.name) fail('BadRequestException', 'Invalid REST API name specified');
    const s = ctx.state;
    const id = uniqueId(s, s.apigateway.apis, () => randomString(s, 10, LOWER_ALNUM));
    const rootId = randomString(s, 10, LOWER_ALNUM);
    const api: ApiRecord = compact({
      id, name: input.name, description: input.description, version: input.version, createdDate: ctx.now(), rootResourceId: rootId,
      endpointConfiguration: { types: [...(input.endpointConfiguration?.types ?? ['EDGE'])] },
      apiKeySource: input.apiKeySource ?? 'HEADER', disableExecuteApiEndpoint: input.disableExecuteApiEndpoint ?? false,
      binaryMediaTypes: copy(input.binaryMediaTypes), minimumCompressionSize: input.minimumCompressionSize, policy: input.policy,
      tags: { ...input.tags },
      resources: { [rootId]: { id: rootId, path: '/', methods: {} } }, authorizers: {}, deployments: {}, stages: {}, gatewayResponses: {},
    });
    s.apigateway.apis[id] = api;
    return restApiOut(api);
  },

  GetRestApi(ctx, input: GetRestApiCommandInput): Out<GetRestApiCommandOutput> {
    return restApiOut(getApi(ctx, input.restApiId));
  },

  /**
   * JSON-patch of the API: /name, /description, and /endpointConfiguration/types/{current} replaced by the new type
   * (EDGE ↔ REGIONAL) — https://docs.aws.amazon.com/apigateway/latest/api/API_UpdateRestApi.html and
   * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-api-migration.html.
   */
  UpdateRestApi(ctx, input: UpdateRestApiCommandInput): Out<UpdateRestApiCommandOutput> {
    const api = getApi(ctx, input.restApiId);
    const draft = { ...api, endpointConfiguration: { types: [...api.endpointConfiguration.types] } };
    for (const op of input.patchOperations ?? []) {
      const path = op.path ?? '';
      const typeAt = /^\/endpointConfiguration\/types\/(EDGE|REGIONAL|PRIVATE)$/.exec(path)?.[1];
      if (op.op === 'replace' && path === '/name' && op.value) draft.name = op.value;
      else if (op.op === 'replace' && path === '/description') draft.description = op.value ?? '';
      // api-gateway-api-key-source.html: `op=replace,path=/apiKeySource,value=AUTHORIZER` (or HEADER).
      else if (op.op === 'replace' && path === '/apiKeySource' && (op.value === 'HEADER' || op.value === 'AUTHORIZER')) draft.apiKeySource = op.value;
      else if (op.op === 'replace' && typeAt && draft.endpointConfiguration.types.includes(typeAt) && ['EDGE', 'REGIONAL', 'PRIVATE'].includes(op.value ?? '')) {
        draft.endpointConfiguration.types = draft.endpointConfiguration.types.map((t) => (t === typeAt ? op.value ?? t : t));
      } else fail('BadRequestException', `Invalid patch path '${path}' specified for op '${op.op ?? ''}'`);
    }
    Object.assign(api, draft);
    return restApiOut(api);
  },

  GetRestApis(ctx, input: GetRestApisCommandInput): Out<GetRestApisCommandOutput> {
    return pageOf(Object.values(ctx.state.apigateway.apis).map(restApiOut), input.position, input.limit);
  },

  DeleteRestApi(ctx, input: DeleteRestApiCommandInput): object {
    const window = ctx.opts.deleteRestApiWindowMs;
    const last = ctx.state.apigateway.lastDeleteRestApiAt;
    const now = ctx.now();
    if (window > 0 && last !== undefined && now - last < window) {
      fail('TooManyRequestsException', 'Too Many Requests', { retryAfterSeconds: Math.max(1, Math.ceil((window - (now - last)) / 1000)) });
    }
    ctx.state.apigateway.lastDeleteRestApiAt = now;
    const api = getApi(ctx, input.restApiId);
    delete ctx.state.apigateway.apis[api.id];
    return {};
  },

  GetResources(ctx, input: GetResourcesCommandInput): Out<GetResourcesCommandOutput> {
    const api = getApi(ctx, input.restApiId);
    return pageOf(Object.values(api.resources).map((r) => resourceOut(r, input.embed)), input.position, input.limit);
  },

  GetResource(ctx, input: GetResourceCommandInput): Out<GetResourceCommandOutput> {
    return resourceOut(getResource(getApi(ctx, input.restApiId), input.resourceId), input.embed);
  },

  CreateResource(ctx, input: CreateResourceCommandInput): Out<CreateResourceCommandOutput> {
    const api = getApi(ctx, input.restApiId);
    const parent = getResource(api, input.parentId);
    const part = input.pathPart ?? '';
    if (!PATH_PART.test(part)) {
      fail('BadRequestException', "Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before the closing brace.");
    }
    if (parent.pathPart?.endsWith('+}')) fail('BadRequestException', `Cannot create a child of a resource with a greedy path variable: ${parent.pathPart}`);
    const siblings = Object.values(api.resources).filter((r) => r.parentId === parent.id);
    if (siblings.some((r) => r.pathPart === part)) fail('ConflictException', `Another resource with the same parent already has this name: ${part}`);
    const variable = siblings.find((r) => r.pathPart?.startsWith('{'));
    if (part.startsWith('{') && variable) {
      fail('BadRequestException', `A sibling (${variable.pathPart ?? ''}) of this resource already has a variable path part -- only one is allowed`);
    }
    const s = ctx.state;
    const id = uniqueId(s, api.resources, () => randomString(s, 6, LOWER_ALNUM));
    const r: ResourceRecord = { id, parentId: parent.id, pathPart: part, path: parent.path === '/' ? `/${part}` : `${parent.path}/${part}`, methods: {} };
    api.resources[id] = r;
    return resourceOut(r, undefined);
  },

  DeleteResource(ctx, input: DeleteResourceCommandInput): object {
    const api = getApi(ctx, input.restApiId);
    const r = getResource(api, input.resourceId);
    if (r.id === api.rootResourceId) fail('BadRequestException', 'Cannot delete the root resource of an API');
    for (const id of subtree(api, r.id)) delete api.resources[id];
    return {};
  },

  TagResource(ctx, input: TagResourceCommandInput): object {
    Object.assign(taggable(ctx, input.resourceArn).tags, input.tags);
    return {};
  },

  UntagResource(ctx, input: UntagResourceCommandInput): object {
    const holder = taggable(ctx, input.resourceArn);
    for (const k of input.tagKeys ?? []) delete holder.tags[k];
    return {};
  },

  GetTags(ctx, input: GetTagsCommandInput): Out<GetTagsCommandOutput> {
    return { tags: { ...taggable(ctx, input.resourceArn).tags } };
  },
};
