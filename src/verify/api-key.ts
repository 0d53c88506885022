/**
 * Methods with `apiKeyRequired` take only an X-API-Key of an enabled key in a usage plan bound to the stage; without one
 * API Gateway answers 403 Forbidden ("Choose an API key source in API Gateway",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-key-source.html). The proof finds such a
 * key (GetUsagePlans: the plans bound to the stage; GetUsagePlanKeys; GetApiKey includeValue) and sends it with every
 * call to those methods, or says why it cannot. The value lives in memory for the run only: never in state, logs or JSON.
 */
import {
  GetApiKeyCommand, GetDeploymentCommand, GetRestApiCommand, GetStageCommand, GetUsagePlanKeysCommand, GetUsagePlansCommand, type APIGatewayClient,
  type Deployment, type UsagePlan,
} from '@aws-sdk/client-api-gateway';
import { undefinedIfNotFound } from '../resources/refs.js';

type Sender = Pick<APIGatewayClient, 'send'>;

/** What the stage's methods need: those requiring a key ("GET /orders"), and the key to send, or why there is none. */
export interface ApiKeyNeed {
  required: ReadonlySet<string>;
  key?: string | undefined;
  /** No usable key: why, and the command that gives one. */
  missing?: { why: string; how: string } | undefined;
  /** What the stage serves could not be read: the proof goes on without keys, and says so. */
  unread?: string | undefined;
}

const NONE: ApiKeyNeed = { required: new Set() };

/** The methods the stage serves with apiKeyRequired (its deployment's apiSummary), then a key for them. */
export async function apiKeyNeed(apigateway: Sender, at: { restApiId: string; stage: string; region: string }): Promise<ApiKeyNeed> {
  const { restApiId, stage } = at;
  let d: Deployment | undefined;
  try {
    const st = await undefinedIfNotFound(apigateway.send(new GetStageCommand({ restApiId, stageName: stage })));
    if (!st?.deploymentId) return NONE;
    d = await undefinedIfNotFound(apigateway.send(new GetDeploymentCommand({ restApiId, deploymentId: st.deploymentId, embed: ['apisummary'] })));
  } catch (err) {
    return { required: new Set(), unread: `${(err as Error).name}: ${(err as Error).message}` };
  }
  const required = new Set<string>();
  for (const [path, methods] of Object.entries(d?.apiSummary ?? {})) {
    for (const [verb, m] of Object.entries(methods)) if (m.apiKeyRequired) required.add(`${verb} ${path}`);
  }
  if (!required.size) return NONE;
  try {
    // AUTHORIZER: the key is what a Lambda authorizer returns (usageIdentifierKey), never X-API-Key; a Cognito
    // authorizer returns none (api-gateway-api-key-source.html), so no key can be sent.
    const api = await apigateway.send(new GetRestApiCommand({ restApiId }));
    if (api.apiKeySource === 'AUTHORIZER') {
      return { required, missing: {
        why: 'the API takes API keys from a Lambda authorizer (apiKeySource AUTHORIZER), not from X-API-Key, and the Cognito authorizer returns none: API Gateway refuses these calls (403)',
        how: `aws apigateway get-rest-api --rest-api-id ${restApiId} --region ${at.region} (apiKeySource; HEADER takes X-API-Key)`,
      } };
    }
    return await keyFor(apigateway, at, required);
  } catch (err) {
    // Not readable (a policy without the usage-plan reads): said, the methods unproven, never a false ✗ from a 403.
    return { required, missing: { why: `the usage plans bound to stage ${stage} could not be read (${(err as Error).name}: ${(err as Error).message})`, how: `secure-api policy (the reads of usage plans and API keys), or aws apigateway get-usage-plans --region ${at.region}` } };
  }
}

async function keyFor(apigateway: Sender, at: { restApiId: string; stage: string; region: string }, required: ReadonlySet<string>): Promise<ApiKeyNeed> {
  const { restApiId, stage } = at;
  const plans: UsagePlan[] = [];
  let position: string | undefined;
  do {
    const page = await apigateway.send(new GetUsagePlansCommand({ limit: 500, position }));
    plans.push(...(page.items ?? []));
    position = page.position;
  } while (position);
  const bound = plans.filter((p) => p.apiStages?.some((s) => s.apiId === restApiId && s.stage === stage));
  for (const plan of bound) {
    const keys = (await apigateway.send(new GetUsagePlanKeysCommand({ usagePlanId: plan.id, limit: 500 }))).items ?? [];
    for (const k of keys) {
      const key = await apigateway.send(new GetApiKeyCommand({ apiKey: k.id, includeValue: true }));
      if (key.enabled && key.value) return { required, key: key.value };
    }
  }
  const why = bound.length
    ? `no enabled API key is in the usage plan${bound.length === 1 ? '' : 's'} bound to stage ${stage} (${bound.map((p) => p.name ?? p.id).join(', ')})`
    : `no usage plan is bound to stage ${stage}`;
  const how = bound.length
    ? `aws apigateway create-usage-plan-key --usage-plan-id ${bound[0]!.id ?? 'PLAN_ID'} --key-id KEY_ID --key-type API_KEY --region ${at.region}`
    : `aws apigateway create-usage-plan --name NAME --api-stages apiId=${restApiId},stage=${stage} --region ${at.region}, then create-usage-plan-key with an enabled key`;
  return { required, missing: { why, how } };
}
