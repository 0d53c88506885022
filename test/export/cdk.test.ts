/**
 * `export cdk` on a live stack: the app synthesizes (the app run as `cdk synth` runs it: CDK_OUTDIR set, no
 * credentials), every logical id of resource-mapping.json is in the template with an identifier of the live
 * resource, the pool is retained, and every imported resource has the DeletionPolicy CloudFormation import needs.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { runSecureApi, tempDir, VirtualClock } from '../support/harness.js';
import { IDP_SECRET, LIVE } from './stacks.js';

let fake: AwsFake;
let cwd: string;
const clock = new VirtualClock();
beforeAll(() => {
  fake = installAwsFake({ lambdaAssumeFailures: 0, deleteRestApiWindowMs: 0, clock });
  cwd = tempDir();
});
afterAll(() => fake.restore());
const run = (argv: string[]) => runSecureApi(argv, { cwd, clock, env: { SECURE_API_IDP_GOOGLE_SECRET: IDP_SECRET } });

type Template = { Resources: Record<string, { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string; DependsOn?: string[] }>; Parameters?: Record<string, { NoEcho?: boolean }> };

/** The identifier properties `cdk import` asks for, per type (each type's CloudFormation primaryIdentifier). */
const PRIMARY_IDENTIFIER: Record<string, string[]> = {
  'AWS::IAM::Role': ['RoleName'],
  'AWS::Lambda::Function': ['FunctionName'],
  // AWS::Logs::LogGroup's primaryIdentifier is /properties/LogGroupName.
  'AWS::Logs::LogGroup': ['LogGroupName'],
  'AWS::ApiGateway::RestApi': ['RestApiId'],
  'AWS::ApiGateway::Resource': ['RestApiId', 'ResourceId'],
  'AWS::ApiGateway::Method': ['RestApiId', 'ResourceId', 'HttpMethod'],
  'AWS::ApiGateway::Authorizer': ['RestApiId', 'AuthorizerId'],
  'AWS::ApiGateway::Deployment': ['RestApiId', 'DeploymentId'],
  'AWS::ApiGateway::Stage': ['RestApiId', 'StageName'],
  'AWS::Cognito::UserPool': ['UserPoolId'],
  'AWS::Cognito::UserPoolClient': ['UserPoolId', 'ClientId'],
  'AWS::Cognito::UserPoolIdentityProvider': ['UserPoolId', 'ProviderName'],
  'AWS::Cognito::UserPoolDomain': ['UserPoolId', 'Domain'],
  'AWS::Cognito::UserPoolResourceServer': ['UserPoolId', 'Identifier'],
  'AWS::Cognito::UserPoolGroup': ['UserPoolId', 'GroupName'],
};

describe('export cdk', () => {
  let dir: string;
  let template: Template;
  let mapping: Record<string, Record<string, string>>;
  let state: { nodes: Record<string, { out: Record<string, string> }> };
  beforeAll(async () => {
    writeFileSync(join(cwd, 'live.json'), JSON.stringify(LIVE));
    const init = await run(['init', '--yes', '--no-verify', '--config', 'live.json']);
    expect(init.code, init.stderr).toBe(0);
    state = JSON.parse(readFileSync(join(cwd, '.secure-api', 'live.json'), 'utf8')) as typeof state;
    dir = join(cwd, 'cdk');
    const res = await run(['export', 'cdk', '--stack', 'live', '--out', dir]);
    expect(res.code, res.stderr).toBe(0);
    // The app's dependencies are this repository's (aws-cdk-lib, constructs, tsx): no install in the test.
    symlinkSync(resolve('node_modules'), join(dir, 'node_modules'), 'dir');
    const synth = spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
      cwd: dir, encoding: 'utf8', timeout: 120_000,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, CDK_OUTDIR: join(dir, 'cdk.out') },
    });
    expect(synth.status, `${synth.stdout}\n${synth.stderr}`).toBe(0);
    template = JSON.parse(readFileSync(join(dir, 'cdk.out', 'live.template.json'), 'utf8')) as Template;
    mapping = JSON.parse(readFileSync(join(dir, 'resource-mapping.json'), 'utf8')) as typeof mapping;
  }, 180_000);

  it('synthesizes, and every mapped logical id is in the template with its type\'s identifier, naming the live resource', () => {
    expect(Object.keys(mapping).length).toBeGreaterThan(20);
    for (const [logicalId, identifier] of Object.entries(mapping)) {
      const res = template.Resources[logicalId];
      expect(res, logicalId).toBeDefined();
      expect(Object.keys(identifier).sort(), logicalId).toEqual([...PRIMARY_IDENTIFIER[res!.Type]!].sort());
    }
    const api = state.nodes.api!.out.apiId!;
    expect(mapping.Api).toEqual({ RestApiId: api });
    expect(mapping.Pool).toEqual({ UserPoolId: state.nodes.pool!.out.userPoolId });
    expect(mapping.Client).toEqual({ UserPoolId: state.nodes.pool!.out.userPoolId, ClientId: state.nodes.client!.out.clientId });
    expect(mapping.MethodGetItemsId).toEqual({ RestApiId: api, ResourceId: state.nodes['resource:/items/{id}']!.out.resourceId, HttpMethod: 'GET' });
    expect(mapping.Deployment).toEqual({ RestApiId: api, DeploymentId: state.nodes.deployment!.out.deploymentId });
    expect(mapping.DeploymentStage).toEqual({ RestApiId: api, StageName: 'dev' });
    expect(mapping.IdpGoogle).toEqual({ UserPoolId: state.nodes.pool!.out.userPoolId, ProviderName: 'Google' });
  });

  it('maps every importable resource; the rest are what CloudFormation cannot import, listed with what to do', () => {
    const notMapped = Object.entries(template.Resources).filter(([id, r]) => !(id in mapping) && !r.Type.startsWith('AWS::CDK::')).map(([, r]) => r.Type);
    expect([...new Set(notMapped)].sort()).toEqual(['AWS::ApiGateway::GatewayResponse', 'AWS::Lambda::Permission']);
    const doc = readFileSync(join(dir, 'IMPORT.md'), 'utf8');
    expect(doc).toContain('`Permission` (AWS::Lambda::Permission)');
    expect(doc).toContain('`GatewayResponseDefault4xx` (AWS::ApiGateway::GatewayResponse)');
    expect(doc).toContain('npx cdk import --resource-mapping resource-mapping.json');
  });

  it('retains the pool, gives every other resource a DeletionPolicy, and holds the live settings with references', () => {
    for (const [id, r] of Object.entries(template.Resources)) {
      if (r.Type.startsWith('AWS::CDK::')) continue;
      expect([id, r.DeletionPolicy]).toEqual([id, r.Type === 'AWS::Cognito::UserPool' ? 'Retain' : 'Delete']);
    }
    const pool = template.Resources.Pool!.Properties;
    expect(pool.Policies).toEqual({ PasswordPolicy: { MinimumLength: 14, RequireNumbers: true, RequireSymbols: false, RequireUppercase: true, RequireLowercase: true, TemporaryPasswordValidityDays: 3 } });
    expect([pool.MfaConfiguration, pool.EnabledMfas, pool.UserPoolTags]).toEqual(['ON', ['SOFTWARE_TOKEN_MFA'], { team: 'payments' }]);
    expect(template.Resources.Authorizer!.Properties.ProviderARNs).toEqual([{ 'Fn::GetAtt': ['Pool', 'Arn'] }]);
    expect(template.Resources.MethodGetItems!.Properties).toMatchObject({ AuthorizationType: 'COGNITO_USER_POOLS', AuthorizerId: { 'Fn::GetAtt': ['Authorizer', 'AuthorizerId'] }, RestApiId: { Ref: 'Api' } });
    expect(template.Resources.MethodGetHealth!.Properties.AuthorizationType).toBe('NONE');
    // The IdP secret: a NoEcho parameter, never its value.
    expect(template.Parameters?.GoogleClientSecret?.NoEcho).toBe(true);
    expect(JSON.stringify(template)).not.toContain(IDP_SECRET);
    expect(JSON.stringify(template)).not.toMatch(/secure-api:(stack|state-id)/);
    expect(template.Resources.DeploymentStage!.Properties).toMatchObject({
      TracingEnabled: true, MethodSettings: [{ ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 }],
    });
    expect(template.Resources.Deployment!.DependsOn).toEqual(expect.arrayContaining(['MethodGetItems', 'CorsItems', 'GatewayResponseDefault4xx']));
  });
});
