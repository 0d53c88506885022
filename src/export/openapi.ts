/**
 * `export openapi`: the API as deployed, as an OpenAPI 3 document with API Gateway's extensions (what
 * `aws apigateway put-rest-api`, SAM's DefinitionBody and the Serverless Framework take): per operation its
 * x-amazon-apigateway-integration, the Cognito authorizer as a security scheme (x-amazon-apigateway-authorizer,
 * type cognito_user_pools) with the scopes per operation, the open OPTIONS preflights, and the gateway responses.
 */
import { dnsSuffix } from '../aws/region.js';
import { UsageError } from '../errors.js';
import { integrationInput, MOCK_REQUEST_TEMPLATES, mockResponse, quoted } from '../resources/api-method.js';
import { corsHeaders } from '../resources/cors-preflight.js';
import { gatewayResponseParameters } from '../resources/gateway-response.js';
import type { ExportCtx, ExportNode } from './model.js';
import type { ExportSource } from './source.js';
import { Join, Ref } from './model.js';
import { builderCtx, tokenOutputs, untoken } from './tokens.js';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

/** A string with references filled in with the live ids (the document describes the API as it is). */
function literal(v: unknown): string {
  if (v instanceof Ref) return v.literal;
  if (v instanceof Join) return v.parts.map((p) => (p instanceof Ref ? p.literal : p)).join('');
  return String(v ?? '');
}

const pathParams = (path: string): string[] => [...path.matchAll(/\{([^}+]+)\+?\}/g)].map((m) => m[1]!);
const methodKey = (m: string): string => (m === 'ANY' ? 'x-amazon-apigateway-any-method' : m.toLowerCase());
const schemeName = (name: string): string => name.replace(/[^A-Za-z0-9._-]+/g, '-') || 'cognito';

function mockIntegration(m: { headers: Record<string, string>; body: string }): Obj {
  return {
    type: 'mock', requestTemplates: MOCK_REQUEST_TEMPLATES, passthroughBehavior: 'when_no_match',
    responses: {
      default: {
        statusCode: '200',
        responseParameters: Object.fromEntries(Object.entries(m.headers).map(([h, v]) => [`method.response.header.${h}`, quoted(v)])),
        responseTemplates: { 'application/json': m.body },
      },
    },
  };
}

const mockResponses = (m: { headers: Record<string, string> }): Obj => ({
  200: { description: '200 response', headers: Object.fromEntries(Object.keys(m.headers).map((h) => [h, { schema: { type: 'string' } }])) },
});

function operation(n: ExportNode<'api-method'>, x: ExportCtx, scheme: string | undefined): Obj {
  const s = n.spec;
  const input = integrationInput(builderCtx(x), s, tokenOutputs(), { restApiId: '', resourceId: '', httpMethod: s.httpMethod });
  const params = pathParams(s.path).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  const op: Obj = {
    operationId: `${s.httpMethod.toLowerCase()}${s.path.replace(/[{}]/g, '').split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('') || 'Root'}`,
    ...(params.length ? { parameters: params } : {}),
  };
  if (s.authorizerNode && scheme) op.security = [{ [scheme]: s.authorizationScopes }];
  if (input) {
    op.responses = { 200: { description: input.type === 'AWS_PROXY' ? 'the function\'s answer' : 'the backend\'s answer' } };
    op['x-amazon-apigateway-integration'] = {
      type: (input.type ?? '').toLowerCase(), httpMethod: input.integrationHttpMethod ?? s.httpMethod, uri: literal(untoken(x, input.uri)),
      passthroughBehavior: 'when_no_match',
      ...(input.requestParameters ? { requestParameters: input.requestParameters } : {}),
    };
  } else {
    const m = mockResponse(s);
    op.responses = mockResponses(m);
    op['x-amazon-apigateway-integration'] = mockIntegration(m);
  }
  return op;
}

export interface OpenApiExport { document: Obj; notes: string[] }

export function exportOpenApi(src: ExportSource): OpenApiExport {
  const x = src.ctx;
  const api = x.nodesOf('rest-api')[0];
  if (!api) {
    const id = x.node('api')?.out.apiId ?? '';
    throw new UsageError(`the REST API of stack "${x.stack}" is yours (${id}), not secure-api's: its definition is not in the state`,
      `Get it as deployed from API Gateway: aws apigateway get-export --rest-api-id ${id} --stage-name STAGE --export-type oas30 --parameters extensions=apigateway FILE`, 'EXPORT_NOT_OURS');
  }
  const authorizer = x.nodesOf('authorizer')[0];
  const scheme = authorizer ? schemeName(authorizer.spec.name) : undefined;
  const paths: Record<string, Obj> = {};
  const at = (path: string): Obj => (paths[path] ??= {});
  for (const n of x.nodesOf('api-method')) at(n.spec.path)[methodKey(n.spec.httpMethod)] = operation(n, x, scheme);
  for (const n of x.nodesOf('cors-preflight')) {
    const m = { headers: corsHeaders(n.spec), body: '' };
    const params = pathParams(n.spec.path).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
    // Open: a browser's preflight carries no token.
    at(n.spec.path).options = { ...(params.length ? { parameters: params } : {}), responses: mockResponses(m), 'x-amazon-apigateway-integration': mockIntegration(m) };
  }
  const deployment = x.nodesOf('deployment')[0];
  const apiId = api.out.apiId ?? '';
  const document: Obj = {
    openapi: '3.0.1',
    info: { title: api.spec.name, description: api.spec.description, version: deployment?.out.deploymentId ?? '1' },
    servers: [{
      url: `https://${apiId}.execute-api.${x.region}.${dnsSuffix(x.region)}/{basePath}`,
      variables: { basePath: { default: deployment?.spec.stageName ?? 'dev' } },
    }],
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      securitySchemes: authorizer && scheme
        ? {
          [scheme]: {
            type: 'apiKey', name: authorizer.spec.identityHeader, in: 'header',
            'x-amazon-apigateway-authtype': 'cognito_user_pools',
            'x-amazon-apigateway-authorizer': {
              type: 'cognito_user_pools', providerARNs: [x.ref(authorizer.spec.poolNode, 'userPoolArn').literal],
              identitySource: `method.request.header.${authorizer.spec.identityHeader}`, authorizerResultTtlInSeconds: authorizer.spec.ttlSeconds,
            },
          },
        }
        : {},
    },
    'x-amazon-apigateway-gateway-responses': Object.fromEntries(x.nodesOf('gateway-response').map((n) => [n.spec.responseType, { responseParameters: gatewayResponseParameters(n.spec) }])),
  };
  return { document, notes: src.notes };
}
