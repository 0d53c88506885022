/**
 * `export openapi` passes a maintained validator (@apidevtools/swagger-parser) and describes the API as deployed;
 * stacks on the user's own API or pool export only what secure-api made, and say so.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { parse } from '@cdktf/hcl2json';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { runSecureApi, tempDir, VirtualClock } from '../support/harness.js';
import { makeBlogPool, makeLegacyApi } from '../existing/legacy-api.js';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { buildSampleFunctionZip, SAMPLE_HANDLER } from '../../src/resources/sample-function.js';
import { resolvesLive } from './live-ids.js';
import { IDP_SECRET, LIVE } from './stacks.js';

let fake: AwsFake;
let clock: VirtualClock;
let cwd: string;
beforeEach(() => {
  clock = new VirtualClock();
  fake = installAwsFake({ lambdaAssumeFailures: 0, deleteRestApiWindowMs: 0, clock });
  cwd = tempDir();
});
afterEach(() => fake.restore());
const run = (argv: string[]) => runSecureApi(argv, { cwd, clock, env: { SECURE_API_IDP_GOOGLE_SECRET: IDP_SECRET } });

type Op = { security?: Array<Record<string, string[]>>; parameters?: Array<{ name: string; in: string }>; 'x-amazon-apigateway-integration': Record<string, unknown> };

describe('export openapi', () => {
  it('is a valid OpenAPI 3 document of the API as deployed: integrations, the Cognito authorizer with scopes per operation, open preflights, gateway responses', async () => {
    writeFileSync(join(cwd, 'live.json'), JSON.stringify({ ...LIVE, authorizer: { scopes: ['email'] } }));
    const init = await run(['init', '--yes', '--no-verify', '--config', 'live.json']);
    expect(init.code, init.stderr).toBe(0);
    const state = JSON.parse(readFileSync(join(cwd, '.secure-api', 'live.json'), 'utf8')) as { config: { authorizer: { scopes: string[] } }; nodes: Record<string, { out: Record<string, string> }> };
    const scopes = state.config.authorizer.scopes;
    expect(scopes).toEqual(['email']);
    const res = await run(['export', 'openapi', '--stack', 'live', '--out', 'api.json']);
    expect(res.code, res.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(cwd, 'api.json'), 'utf8')) as {
      paths: Record<string, Record<string, Op>>; components: { securitySchemes: Record<string, Record<string, unknown>> };
      'x-amazon-apigateway-gateway-responses': Record<string, { responseParameters: Record<string, string> }>; servers: Array<{ url: string }>;
    };
    await SwaggerParser.validate(structuredClone(doc) as never);

    expect(Object.keys(doc.paths).sort()).toEqual(['/admin', '/health', '/items', '/items/{id}', '/mocked', '/proxy/{name}']);
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([m, op]) => ({ key: `${m.toUpperCase()} ${path}`, op })));
    const secured = ['GET /items', 'POST /items', 'GET /items/{id}', 'DELETE /items/{id}', 'GET /proxy/{name}', 'POST /mocked', 'GET /admin'];
    const open = ['GET /health', 'OPTIONS /health', 'OPTIONS /items', 'OPTIONS /items/{id}', 'OPTIONS /proxy/{name}', 'OPTIONS /mocked', 'OPTIONS /admin'];
    expect(ops.map((o) => o.key).sort()).toEqual([...secured, ...open].sort());
    for (const o of ops) {
      expect([o.key, o.op.security]).toEqual([o.key, secured.includes(o.key) ? [{ 'Cognito-authorizer': scopes }] : undefined]);
    }
    const integration = (key: string) => ops.find((o) => o.key === key)!.op['x-amazon-apigateway-integration'];
    const fn = state.nodes.function!.out.functionArn!;
    expect(integration('GET /items')).toMatchObject({ type: 'aws_proxy', httpMethod: 'POST', uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fn}/invocations` });
    expect(integration('GET /proxy/{name}')).toMatchObject({ type: 'http_proxy', httpMethod: 'GET', uri: 'https://backend.example.com/proxy/{name}', requestParameters: { 'integration.request.path.name': 'method.request.path.name' } });
    expect(integration('POST /mocked')).toMatchObject({ type: 'mock' });
    expect(integration('OPTIONS /items')).toMatchObject({ type: 'mock', responses: { default: { statusCode: '200', responseParameters: { 'method.response.header.Access-Control-Allow-Methods': "'GET,POST,OPTIONS'" } } } });
    expect(ops.find((o) => o.key === 'GET /items/{id}')!.op.parameters).toEqual([{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }]);
    expect(doc.components.securitySchemes['Cognito-authorizer']).toEqual({
      type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'cognito_user_pools',
      'x-amazon-apigateway-authorizer': { type: 'cognito_user_pools', providerARNs: [state.nodes.pool!.out.userPoolArn], identitySource: 'method.request.header.Authorization', authorizerResultTtlInSeconds: 300 },
    });
    expect(Object.keys(doc['x-amazon-apigateway-gateway-responses']).sort()).toEqual(['DEFAULT_4XX', 'DEFAULT_5XX']);
    expect(doc['x-amazon-apigateway-gateway-responses'].DEFAULT_4XX!.responseParameters['gatewayresponse.header.Access-Control-Allow-Origin']).toBe("'*'");
    expect(doc.servers[0]!.url).toBe(`https://${state.nodes.api!.out.apiId}.execute-api.us-east-1.amazonaws.com/{basePath}`);
  });

  it('on a stack that secured the user\'s own API: refuses (exit 2) and says how to get that API\'s definition', async () => {
    const { apiId } = await makeLegacyApi();
    const poolId = await makeBlogPool();
    expect((await run(['init', '--yes', '--no-verify', '--stack', 'legacy', '--api-id', apiId, '--stage', 'prod', '--secure', 'GET /orders', '--user-pool-id', poolId])).code).toBe(0);
    const res = await run(['export', 'openapi', '--stack', 'legacy']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`aws apigateway get-export --rest-api-id ${apiId}`);
  });
});

describe('export terraform of a stack on the user\'s own API and pool', () => {
  it('holds only what secure-api made, refers to theirs by live id, and says what it left out', async () => {
    const { apiId } = await makeLegacyApi();
    const poolId = await makeBlogPool();
    const init = await run(['init', '--yes', '--no-verify', '--stack', 'legacy', '--api-id', apiId, '--stage', 'prod', '--secure', 'GET /orders', '--user-pool-id', poolId]);
    expect(init.code, init.stderr).toBe(0);
    const res = await run(['export', 'terraform', '--stack', 'legacy', '--out', 'tf', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout) as { imports: Array<{ address: string; id: string }>; notes: string[] };
    const types = new Set(out.imports.map((i) => i.address.split('.')[0]));
    for (const theirs of ['aws_api_gateway_rest_api', 'aws_cognito_user_pool', 'aws_api_gateway_stage', 'aws_api_gateway_resource', 'aws_api_gateway_deployment']) expect(types.has(theirs), theirs).toBe(false);
    // Their GET /orders stays theirs; only the preflights secure-api added are methods of the export.
    expect(out.imports.filter((i) => i.address.startsWith('aws_api_gateway_method.')).map((i) => i.id.split('/')[2])).toEqual(expect.arrayContaining(['OPTIONS']));
    expect(out.imports.filter((i) => i.address.startsWith('aws_api_gateway_method.') && !i.id.endsWith('/OPTIONS'))).toEqual([]);
    expect(types.has('aws_api_gateway_authorizer')).toBe(true);
    expect(types.has('aws_cognito_user_pool_client')).toBe(true);
    expect(out.notes.join('\n')).toMatch(new RegExp(`REST API .*\\(${apiId}\\) is yours`));
    expect(out.notes.join('\n')).toMatch(new RegExp(`User pool .*\\(${poolId}\\) is yours`));
    expect(out.notes.join('\n')).toContain('GET /orders is your method: secure-api set its authorization to COGNITO_USER_POOLS');
    const main = await parse('main.tf', readFileSync(join(cwd, 'tf', 'main.tf'), 'utf8')) as { resource: Record<string, Record<string, Array<Record<string, unknown>>>> };
    expect(main.resource.aws_api_gateway_authorizer!.authorizer![0]!.rest_api_id).toBe(apiId);
    expect(main.resource.aws_cognito_user_pool_client!.client![0]!.user_pool_id).toBe(poolId);
    for (const i of out.imports) expect(await resolvesLive(i.address.split('.')[0]!, i.id, 'us-east-1', clock), i.address).toBe(true);
  });
});

describe('export terraform of a route on the user\'s own Lambda function', () => {
  it('exports the permission (import id FUNCTION-NAME/STATEMENT-ID, by name) but not the function, which stays theirs', async () => {
    const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' };
    const role = await new IAMClient({ region: 'us-east-1', credentials: creds }).send(new CreateRoleCommand({
      RoleName: 'team-existing-role', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
    }));
    const lambda = new LambdaClient({ region: 'us-east-1', credentials: creds });
    // A new role takes a moment before Lambda may assume it (the fake models that): retry as a user's tooling would.
    for (let attempt = 0; ; attempt++) {
      try {
        await lambda.send(new CreateFunctionCommand({ FunctionName: 'team-existing-fn', Role: role.Role!.Arn!, Runtime: 'nodejs22.x', Handler: SAMPLE_HANDLER, Code: { ZipFile: buildSampleFunctionZip() } }));
        break;
      } catch (err) {
        if (attempt > 10) throw err;
        clock.t += 2_000;
      }
    }
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:team-existing-fn';
    writeFileSync(join(cwd, 'fn.json'), JSON.stringify({ stack: 'fn', routes: [{ path: '/legacy', methods: ['GET'], integration: { type: 'lambda', arn } }] }));
    const init = await run(['init', '--yes', '--no-verify', '--config', 'fn.json']);
    expect(init.code, init.stderr).toBe(0);
    const res = await run(['export', 'terraform', '--stack', 'fn', '--out', 'tf', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout) as { imports: Array<{ address: string; id: string }> };
    const state = JSON.parse(readFileSync(join(cwd, '.secure-api', 'fn.json'), 'utf8')) as { nodes: Record<string, { kind: string; out: Record<string, string> }> };
    const permissions = Object.values(state.nodes).filter((n) => n.kind === 'lambda-permission');
    expect(permissions.length).toBeGreaterThan(0);
    // Only permissions of the function (its name, not its ARN, before the statement id); the function itself is not there.
    expect(out.imports.filter((i) => i.address.startsWith('aws_lambda_')).map((i) => [i.address.split('.')[0], i.id]).sort())
      .toEqual(permissions.map((p) => ['aws_lambda_permission', `team-existing-fn/${p.out.statementId}`]).sort());
    for (const i of out.imports) expect(await resolvesLive(i.address.split('.')[0]!, i.id, 'us-east-1', clock), i.address).toBe(true);
    const main = readFileSync(join(cwd, 'tf', 'main.tf'), 'utf8');
    expect(main).toMatch(/function_name += "team-existing-fn"/);
    expect(main).toContain(`= "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${arn}/invocations"`);
  });
});
