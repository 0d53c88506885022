/**
 * API Gateway kinds as Terraform (hashicorp/aws) and CloudFormation resources. Terraform import ids as the provider
 * documents them: REST-API-ID, REST-API-ID/RESOURCE-ID, REST-API-ID/RESOURCE-ID/HTTP-METHOD (method, integration),
 * …/STATUS-CODE (method and integration responses), REST-API-ID/RESPONSE-TYPE, REST-API-ID/AUTHORIZER-ID,
 * REST-API-ID/DEPLOYMENT-ID, REST-API-ID/STAGE-NAME.
 */
import { integrationInput, MOCK_REQUEST_TEMPLATES, mockResponse, quoted, responseHeaderParams } from '../../resources/api-method.js';
import { corsHeaders } from '../../resources/cors-preflight.js';
import { gatewayResponseParameters } from '../../resources/gateway-response.js';
import type { SpecByKind } from '../../plan/specs.js';
import { TfBlock, TfRaw, type CfnResource, type ExportCtx, type ExportNode, type KindExport, type Ref, type TfBody, type TfResource, type Value } from '../model.js';
import { builderCtx, tokenOutputs, untoken } from '../tokens.js';

const API = 'api';
const apiRef = (x: ExportCtx): Ref => x.ref(API, 'apiId');
/** The API Gateway resource a path's node names: the API's root, or an api-resource node. */
export const resourceRefOf = (x: ExportCtx, resourceNode: string): Ref => (resourceNode === API ? x.ref(API, 'rootResourceId') : x.ref(resourceNode, 'resourceId'));

/** A method as both targets need it: authorization, integration, and (MOCK) the fixed 200 answer. */
interface MethodShape {
  httpMethod: string;
  resourceNode: string;
  authorizerNode?: string | undefined;
  scopes: string[];
  requestParameters?: Record<string, boolean> | undefined;
  integration: { type: string; integrationHttpMethod?: string | undefined; uri?: Value | undefined; requestParameters?: Record<string, string> | undefined; requestTemplates?: Record<string, string> | undefined };
  mock?: { headers: Record<string, string>; body: string } | undefined;
}

function apiMethodShape(n: ExportNode<'api-method'>, x: ExportCtx): MethodShape {
  const s = n.spec;
  const input = integrationInput(builderCtx(x), s, tokenOutputs(), { restApiId: '', resourceId: '', httpMethod: s.httpMethod });
  return {
    httpMethod: s.httpMethod, resourceNode: s.resourceNode, authorizerNode: s.authorizerNode,
    scopes: s.authorizerNode ? s.authorizationScopes : [],
    requestParameters: s.pathParams.length ? Object.fromEntries(s.pathParams.map((p) => [`method.request.path.${p}`, true])) : undefined,
    integration: input
      ? { type: input.type ?? '', integrationHttpMethod: input.integrationHttpMethod, uri: untoken(x, input.uri), requestParameters: input.requestParameters }
      : { type: 'MOCK', requestTemplates: MOCK_REQUEST_TEMPLATES },
    mock: input ? undefined : mockResponse(s),
  };
}

function preflightShape(n: ExportNode<'cors-preflight'>): MethodShape {
  return {
    httpMethod: 'OPTIONS', resourceNode: n.spec.resourceNode, scopes: [],
    integration: { type: 'MOCK', requestTemplates: MOCK_REQUEST_TEMPLATES }, mock: { headers: corsHeaders(n.spec), body: '' },
  };
}

const mockMethodResponse = (m: NonNullable<MethodShape['mock']>) => responseHeaderParams(Object.fromEntries(Object.keys(m.headers).map((h) => [h, false])));
const mockIntegrationResponse = (m: NonNullable<MethodShape['mock']>) => responseHeaderParams(Object.fromEntries(Object.entries(m.headers).map(([h, v]) => [h, quoted(v)])));

function methodTerraform(n: ExportNode, m: MethodShape, x: ExportCtx): TfResource[] {
  const name = x.tfName(n.id);
  const at = `${apiRef(x).literal}/${resourceRefOf(x, m.resourceNode).literal}/${m.httpMethod}`;
  const where: TfBody = { rest_api_id: apiRef(x), resource_id: resourceRefOf(x, m.resourceNode) };
  const method = `aws_api_gateway_method.${name}`;
  const out: TfResource[] = [
    {
      type: 'aws_api_gateway_method', name, importId: at,
      body: {
        ...where, http_method: m.httpMethod,
        authorization: m.authorizerNode ? 'COGNITO_USER_POOLS' : 'NONE',
        authorizer_id: m.authorizerNode ? x.ref(m.authorizerNode, 'authorizerId') : undefined,
        authorization_scopes: m.scopes.length ? m.scopes : undefined,
        request_parameters: m.requestParameters,
      },
    },
    {
      type: 'aws_api_gateway_integration', name, importId: at,
      body: {
        ...where, http_method: new TfRaw(`${method}.http_method`), type: m.integration.type,
        integration_http_method: m.integration.integrationHttpMethod, uri: m.integration.uri,
        request_parameters: m.integration.requestParameters, request_templates: m.integration.requestTemplates,
      },
    },
  ];
  if (m.mock) {
    out.push({
      type: 'aws_api_gateway_method_response', name, importId: `${at}/200`,
      body: { ...where, http_method: new TfRaw(`${method}.http_method`), status_code: '200', response_parameters: mockMethodResponse(m.mock) },
    });
    out.push({
      type: 'aws_api_gateway_integration_response', name, importId: `${at}/200`,
      body: {
        ...where, http_method: new TfRaw(`${method}.http_method`), status_code: new TfRaw(`aws_api_gateway_method_response.${name}.status_code`),
        response_parameters: mockIntegrationResponse(m.mock), response_templates: { 'application/json': m.mock.body },
      },
      dependsOn: [{ address: `aws_api_gateway_integration.${name}` }],
    });
  }
  return out;
}

function methodCloudFormation(n: ExportNode, m: MethodShape, x: ExportCtx): CfnResource {
  return {
    logicalId: x.logicalId(n.id), type: 'AWS::ApiGateway::Method',
    properties: {
      RestApiId: apiRef(x), ResourceId: resourceRefOf(x, m.resourceNode), HttpMethod: m.httpMethod,
      AuthorizationType: m.authorizerNode ? 'COGNITO_USER_POOLS' : 'NONE',
      AuthorizerId: m.authorizerNode ? x.ref(m.authorizerNode, 'authorizerId') : undefined,
      AuthorizationScopes: m.scopes.length ? m.scopes : undefined,
      RequestParameters: m.requestParameters,
      Integration: {
        Type: m.integration.type, IntegrationHttpMethod: m.integration.integrationHttpMethod, Uri: m.integration.uri,
        RequestParameters: m.integration.requestParameters, RequestTemplates: m.integration.requestTemplates,
        IntegrationResponses: m.mock
          ? [{ StatusCode: '200', ResponseParameters: mockIntegrationResponse(m.mock), ResponseTemplates: { 'application/json': m.mock.body } }]
          : undefined,
      },
      MethodResponses: m.mock ? [{ StatusCode: '200', ResponseParameters: mockMethodResponse(m.mock) }] : undefined,
    },
    import: { identifier: { RestApiId: apiRef(x).literal, ResourceId: resourceRefOf(x, m.resourceNode).literal, HttpMethod: m.httpMethod } },
  };
}

export const restApiExport: KindExport<'rest-api'> = {
  owner: 'ours',
  terraform: (n, x) => [{
    type: 'aws_api_gateway_rest_api', name: x.tfName(n.id), importId: n.out.apiId ?? '',
    refs: { apiId: 'id', rootResourceId: 'root_resource_id' },
    body: { name: n.spec.name, description: n.spec.description, endpoint_configuration: new TfBlock({ types: [n.spec.endpointType] }), tags: n.spec.tags },
  }],
  cloudformation: (n, x) => [{
    logicalId: x.logicalId(n.id), type: 'AWS::ApiGateway::RestApi', refs: { apiId: 'Ref', rootResourceId: 'RootResourceId' },
    properties: {
      Name: n.spec.name, Description: n.spec.description, EndpointConfiguration: { Types: [n.spec.endpointType] },
      Tags: n.spec.tags ? Object.entries(n.spec.tags).map(([Key, Value]) => ({ Key, Value })) : undefined,
    },
    import: { identifier: { RestApiId: n.out.apiId ?? '' } },
  }],
};

export const apiResourceExport: KindExport<'api-resource'> = {
  owner: 'ours',
  terraform: (n, x) => [{
    type: 'aws_api_gateway_resource', name: x.tfName(n.id), importId: `${apiRef(x).literal}/${n.out.resourceId ?? ''}`, refs: { resourceId: 'id' },
    body: { rest_api_id: apiRef(x), parent_id: resourceRefOf(x, n.spec.parentNode), path_part: n.spec.pathPart },
  }],
  cloudformation: (n, x) => [{
    logicalId: x.logicalId(n.id), type: 'AWS::ApiGateway::Resource', refs: { resourceId: 'ResourceId' },
    properties: { RestApiId: apiRef(x), ParentId: resourceRefOf(x, n.spec.parentNode), PathPart: n.spec.pathPart },
    import: { identifier: { RestApiId: apiRef(x).literal, ResourceId: n.out.resourceId ?? '' } },
  }],
};

export const apiMethodExport: KindExport<'api-method'> = {
  owner: 'ours',
  terraform: (n, x) => methodTerraform(n, apiMethodShape(n, x), x),
  cloudformation: (n, x) => [methodCloudFormation(n, apiMethodShape(n, x), x)],
};

export const corsPreflightExport: KindExport<'cors-preflight'> = {
  owner: 'ours',
  terraform: (n, x) => methodTerraform(n, preflightShape(n), x),
  cloudformation: (n, x) => [methodCloudFormation(n, preflightShape(n), x)],
};

export const gatewayResponseExport: KindExport<'gateway-response'> = {
  owner: 'ours',
  terraform: (n, x) => [{
    type: 'aws_api_gateway_gateway_response', name: x.tfName(n.id), importId: `${apiRef(x).literal}/${n.spec.responseType}`,
    body: { rest_api_id: apiRef(x), response_type: n.spec.responseType, response_parameters: gatewayResponseParameters(n.spec) },
  }],
  cloudformation: (n, x) => [{
    logicalId: x.logicalId(n.id), type: 'AWS::ApiGateway::GatewayResponse',
    properties: { RestApiId: apiRef(x), ResponseType: n.spec.responseType, ResponseParameters: gatewayResponseParameters(n.spec) },
    // Its primary identifier is an id CloudFormation makes up, which API Gateway never shows.
    import: { unsupported: 'Its CloudFormation identifier is made up by CloudFormation, not API Gateway, so it cannot be imported. Leave it out of the import; the first `cdk deploy` puts the same response again (PutGatewayResponse overwrites, with the same values), and from then on the stack owns it.' },
  }],
};

export const authorizerExport: KindExport<'authorizer'> = {
  owner: 'ours',
  terraform: (n, x) => [{
    type: 'aws_api_gateway_authorizer', name: x.tfName(n.id), importId: `${apiRef(x).literal}/${n.out.authorizerId ?? ''}`, refs: { authorizerId: 'id' },
    body: {
      name: n.spec.name, rest_api_id: apiRef(x), type: 'COGNITO_USER_POOLS', provider_arns: [x.ref(n.spec.poolNode, 'userPoolArn')],
      identity_source: `method.request.header.${n.spec.identityHeader}`, authorizer_result_ttl_in_seconds: n.spec.ttlSeconds,
    },
  }],
  cloudformation: (n, x) => [{
    logicalId: x.logicalId(n.id), type: 'AWS::ApiGateway::Authorizer', refs: { authorizerId: 'AuthorizerId' },
    properties: {
      Name: n.spec.name, RestApiId: apiRef(x), Type: 'COGNITO_USER_POOLS', ProviderARNs: [x.ref(n.spec.poolNode, 'userPoolArn')],
      IdentitySource: `method.request.header.${n.spec.identityHeader}`, AuthorizerResultTtlInSeconds: n.spec.ttlSeconds,
    },
    import: { identifier: { RestApiId: apiRef(x).literal, AuthorizerId: n.out.authorizerId ?? '' } },
  }],
};

/** The stage settings are properties of the stage itself (AWS::ApiGateway::Stage, aws_api_gateway_stage): read where the stage is written. */
const settingOf = (x: ExportCtx, setting: SpecByKind['stage-setting']['setting']) => x.nodesOf('stage-setting').find((s) => s.spec.setting === setting)?.spec;
const tracingOf = (x: ExportCtx): true | undefined => (settingOf(x, 'tracing')?.tracing ? true : undefined);
const throttleOf = (x: ExportCtx) => settingOf(x, 'throttle')?.throttle;
/** The access log: its group by reference (the log-group node's export), its format. */
const accessLogOf = (x: ExportCtx): { destination: Ref; format: string } | undefined => {
  const a = settingOf(x, 'access-log')?.accessLog;
  return a && { destination: x.ref(a.logGroupNode, 'logGroupArn'), format: a.format };
};

/**
 * A stage setting of our own stage: tracing is written on the stage (above); Terraform's stage has no throttling, so
 * it is an aws_api_gateway_method_settings on every method ("*\/*"). On the user's stage (an existing API) there is
 * no stage in the export to hold it: nothing.
 */
export const stageSettingExport: KindExport<'stage-setting'> = {
  owner: 'ours',
  terraform: (n, x) => {
    const deployment = x.nodesOf('deployment')[0];
    const t = n.spec.throttle;
    if (!deployment || n.spec.setting !== 'throttle' || !t) return [];
    const stage = `aws_api_gateway_stage.${x.tfName(deployment.id)}`;
    return [{
      type: 'aws_api_gateway_method_settings', name: x.tfName(n.id), importId: `${apiRef(x).literal}/${n.spec.stageName}/*/*`,
      body: {
        rest_api_id: apiRef(x), stage_name: new TfRaw(`${stage}.stage_name`), method_path: '*/*',
        settings: new TfBlock({ throttling_rate_limit: t.rateLimit, throttling_burst_limit: t.burstLimit }),
      },
    }];
  },
  // AWS::ApiGateway::Stage holds TracingEnabled and MethodSettings itself (the deployment's export writes them).
  cloudformation: () => [],
};

/** Everything a deployment snapshots: it is made after these (as init does). */
const deployedNodes = (x: ExportCtx): string[] => [...x.nodesOf('api-method'), ...x.nodesOf('cors-preflight'), ...x.nodesOf('gateway-response')].map((m) => m.id);

export const deploymentExport: KindExport<'deployment'> = {
  owner: 'ours',
  terraform: (n, x) => {
    const name = x.tfName(n.id);
    const spec: SpecByKind['deployment'] = n.spec;
    return [
      {
        type: 'aws_api_gateway_deployment', name, importId: `${apiRef(x).literal}/${n.out.deploymentId ?? ''}`, refs: { deploymentId: 'id' },
        body: { rest_api_id: apiRef(x), description: spec.description },
        dependsOn: deployedNodes(x).map((node) => ({ node })), lifecycle: { createBeforeDestroy: true },
      },
      {
        type: 'aws_api_gateway_stage', name, importId: `${apiRef(x).literal}/${n.out.stageName ?? spec.stageName}`,
        body: {
          rest_api_id: apiRef(x), stage_name: spec.stageName, deployment_id: new TfRaw(`aws_api_gateway_deployment.${name}.id`), description: spec.stageDescription || undefined,
          xray_tracing_enabled: tracingOf(x),
          access_log_settings: accessLogOf(x) && new TfBlock({ destination_arn: accessLogOf(x)!.destination, format: accessLogOf(x)!.format }),
        },
      },
    ];
  },
  cloudformation: (n, x): CfnResource[] => {
    const spec: SpecByKind['deployment'] = n.spec;
    const deployment = x.logicalId(n.id);
    return [
      {
        logicalId: deployment, type: 'AWS::ApiGateway::Deployment', refs: { deploymentId: 'DeploymentId' },
        properties: { RestApiId: apiRef(x), Description: spec.description },
        dependsOn: deployedNodes(x),
        import: { identifier: { RestApiId: apiRef(x).literal, DeploymentId: n.out.deploymentId ?? '' } },
      },
      {
        logicalId: `${deployment}Stage`, type: 'AWS::ApiGateway::Stage',
        properties: {
          RestApiId: apiRef(x), StageName: spec.stageName, DeploymentId: x.ref(n.id, 'deploymentId'), Description: spec.stageDescription || undefined,
          TracingEnabled: tracingOf(x),
          MethodSettings: throttleOf(x) && [{ ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: throttleOf(x)!.rateLimit, ThrottlingBurstLimit: throttleOf(x)!.burstLimit }],
          AccessLogSetting: accessLogOf(x) && { DestinationArn: accessLogOf(x)!.destination, Format: accessLogOf(x)!.format },
        },
        import: { identifier: { RestApiId: apiRef(x).literal, StageName: n.out.stageName ?? spec.stageName } },
      },
    ];
  },
};
