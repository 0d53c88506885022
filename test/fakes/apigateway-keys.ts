/**
 * API keys and usage plans: what a method with `apiKeyRequired` is called with. API Gateway reads the key from the
 * X-API-Key header (the API's apiKeySource HEADER, the default) and compares it against the keys of the usage plans
 * bound to the stage; no match answers 403 Forbidden ("Choose an API key source in API Gateway",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-key-source.html). The data plane
 * (data-plane.ts) asks `keyAdmits`.
 */
import type {
  ApiKey, CreateApiKeyCommandInput, CreateUsagePlanCommandInput, CreateUsagePlanKeyCommandInput, DeleteApiKeyCommandInput,
  DeleteUsagePlanCommandInput, GetApiKeyCommandInput, GetApiKeysCommandInput, GetUsagePlanKeysCommandInput, GetUsagePlansCommandInput,
  UsagePlan, UsagePlanKey,
} from '@aws-sdk/client-api-gateway';
import { fail, pageOf } from './apigateway-apis.js';
import { LOWER_ALNUM, MIXED_ALNUM, compact, date, randomString, uniqueId, type Ctx, type Handlers } from './core.js';
import type { ApiKeyRecord, FakeState, UsagePlanRecord } from './state.js';

const keysOf = (s: FakeState) => (s.apigateway.apiKeys ??= {});
const plansOf = (s: FakeState) => (s.apigateway.usagePlans ??= {});

/** GetApiKey: the value only with includeValue (API_GetApiKey: "includeValue … the result will contain the key value"). */
function keyOut(k: ApiKeyRecord, includeValue: boolean): ApiKey {
  return compact({ id: k.id, name: k.name, enabled: k.enabled, createdDate: date(k.createdDate), value: includeValue ? k.value : undefined });
}

function planOut(p: UsagePlanRecord): UsagePlan {
  return compact({ id: p.id, name: p.name, apiStages: p.apiStages.map((s) => ({ ...s })) });
}

function getKey(ctx: Ctx, id: string | undefined): ApiKeyRecord {
  const k = keysOf(ctx.state)[id ?? ''];
  if (!k) fail('NotFoundException', 'Invalid API Key identifier specified');
  return k;
}

function getPlan(ctx: Ctx, id: string | undefined): UsagePlanRecord {
  const p = plansOf(ctx.state)[id ?? ''];
  if (!p) fail('NotFoundException', 'Invalid Usage Plan ID specified');
  return p;
}

/**
 * Whether a request to a method with apiKeyRequired on this API stage gets past the key check: the X-API-Key value is
 * an enabled key of a usage plan bound to the stage (api-gateway-api-key-source.html: otherwise 403 Forbidden).
 */
export function keyAdmits(state: FakeState, apiId: string, stage: string, value: string | undefined): boolean {
  if (!value) return false;
  const key = Object.values(keysOf(state)).find((k) => k.value === value && k.enabled);
  if (!key) return false;
  return Object.values(plansOf(state)).some((p) => p.keyIds.includes(key.id) && p.apiStages.some((s) => s.apiId === apiId && s.stage === stage));
}

export const keyHandlers: Handlers = {
  /** API_CreateApiKey: `enabled` defaults to false; a given value needs at least 20 characters. */
  CreateApiKey(ctx, input: CreateApiKeyCommandInput): ApiKey {
    const s = ctx.state;
    if (input.value !== undefined && input.value.length < 20) fail('BadRequestException', 'API Key value should be at least 20 characters');
    const id = uniqueId(s, keysOf(s), () => randomString(s, 10, LOWER_ALNUM));
    const k: ApiKeyRecord = { id, name: input.name, value: input.value ?? randomString(s, 40, MIXED_ALNUM), enabled: input.enabled ?? false, createdDate: ctx.now() };
    keysOf(s)[id] = k;
    return keyOut(k, true);
  },
  GetApiKey(ctx, input: GetApiKeyCommandInput): ApiKey {
    return keyOut(getKey(ctx, input.apiKey), input.includeValue === true);
  },
  GetApiKeys(ctx, input: GetApiKeysCommandInput) {
    const all = Object.values(keysOf(ctx.state)).filter((k) => !input.nameQuery || (k.name ?? '').startsWith(input.nameQuery));
    const p = pageOf(all, input.position, input.limit);
    return { items: p.items.map((k) => keyOut(k, input.includeValues === true)), ...(p.position ? { position: p.position } : {}) };
  },
  DeleteApiKey(ctx, input: DeleteApiKeyCommandInput) {
    getKey(ctx, input.apiKey);
    delete keysOf(ctx.state)[input.apiKey ?? ''];
    for (const p of Object.values(plansOf(ctx.state))) p.keyIds = p.keyIds.filter((id) => id !== input.apiKey);
    return {};
  },
  /**
   * API_CreateUsagePlan: every API stage must exist, else BadRequestException "Invalid API Stage {api: …, stage: …}
   * specified for usageplan …" (aws/aws-cdk#6169, a plan made before its stage).
   */
  CreateUsagePlan(ctx, input: CreateUsagePlanCommandInput): UsagePlan {
    const s = ctx.state;
    if (!input.name) fail('BadRequestException', 'Usage plan name must be non-empty');
    const apiStages = (input.apiStages ?? []).map((st) => ({ apiId: st.apiId ?? '', stage: st.stage ?? '' }));
    for (const st of apiStages) {
      if (!s.apigateway.apis[st.apiId]?.stages[st.stage]) fail('BadRequestException', `Invalid API Stage {api: ${st.apiId}, stage: ${st.stage}} specified for usageplan ${input.name}`);
    }
    const id = uniqueId(s, plansOf(s), () => randomString(s, 6, LOWER_ALNUM));
    const p: UsagePlanRecord = { id, name: input.name, apiStages, keyIds: [] };
    plansOf(s)[id] = p;
    return planOut(p);
  },
  /** API_GetUsagePlans: `keyId` keeps the plans that hold that key. */
  GetUsagePlans(ctx, input: GetUsagePlansCommandInput) {
    const all = Object.values(plansOf(ctx.state)).filter((p) => !input.keyId || p.keyIds.includes(input.keyId));
    const p = pageOf(all, input.position, input.limit);
    return { items: p.items.map(planOut), ...(p.position ? { position: p.position } : {}) };
  },
  DeleteUsagePlan(ctx, input: DeleteUsagePlanCommandInput) {
    getPlan(ctx, input.usagePlanId);
    delete plansOf(ctx.state)[input.usagePlanId ?? ''];
    return {};
  },
  /** API_CreateUsagePlanKey: keyType API_KEY; a key already in the plan conflicts. */
  CreateUsagePlanKey(ctx, input: CreateUsagePlanKeyCommandInput): UsagePlanKey {
    const p = getPlan(ctx, input.usagePlanId);
    const k = getKey(ctx, input.keyId);
    if (input.keyType !== 'API_KEY') fail('BadRequestException', 'Invalid key type specified');
    if (p.keyIds.includes(k.id)) fail('ConflictException', 'Usage plan key already exists');
    p.keyIds.push(k.id);
    return compact({ id: k.id, type: 'API_KEY', name: k.name, value: k.value });
  },
  /**
   * API_GetUsagePlanKeys: the plan's keys, each a UsagePlanKey {id, name, type, value}: the key's value itself, in
   * the clear (https://docs.aws.amazon.com/apigateway/latest/api/API_UsagePlanKey.html).
   */
  GetUsagePlanKeys(ctx, input: GetUsagePlanKeysCommandInput) {
    const plan = getPlan(ctx, input.usagePlanId);
    const keys = plan.keyIds.map((id) => keysOf(ctx.state)[id]).filter((k): k is ApiKeyRecord => k !== undefined);
    const p = pageOf(keys, input.position, input.limit);
    return { items: p.items.map((k) => compact({ id: k.id, type: 'API_KEY', name: k.name, value: k.value })), ...(p.position ? { position: p.position } : {}) };
  },
};
