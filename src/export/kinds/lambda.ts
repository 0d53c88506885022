/**
 * The sample function, its role and its permission. Terraform import ids as the provider documents them: ROLE-NAME,
 * ROLE-NAME/POLICY-ARN (a managed policy attachment), FUNCTION-NAME, FUNCTION-NAME/STATEMENT-ID.
 */
import { executeApiSourceArn } from '../../resources/refs.js';
import { LAMBDA_TRUST_POLICY } from '../../resources/iam-role.js';
import { SAMPLE_FILE } from '../../resources/sample-function.js';
import { functionEnvironment } from '../../resources/lambda-function-settings.js';
import { TfBlock, TfRaw, type KindExport, type Value } from '../model.js';
import { builderCtx, token, untoken } from '../tokens.js';

/** Where the sample function's package and source go in an export, beside the code. */
export const FUNCTION_ZIP = 'function.zip';
export const FUNCTION_DIR = 'function';

const tagList = (tags: Record<string, string> | undefined): Value | undefined =>
  (tags && Object.keys(tags).length ? Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) : undefined);

export const iamRoleExport: KindExport<'iam-role'> = {
  owner: 'ours',
  terraform: (n, x) => {
    const name = x.tfName(n.id);
    return [
      {
        type: 'aws_iam_role', name, importId: n.out.roleName ?? n.spec.roleName, refs: { roleArn: 'arn', roleName: 'name' },
        body: {
          name: n.spec.roleName, path: n.spec.path, description: n.spec.description,
          assume_role_policy: new TfRaw(`jsonencode(${JSON.stringify(JSON.parse(LAMBDA_TRUST_POLICY), null, 2).replace(/\n/g, '\n  ')})`),
          tags: n.spec.tags,
        },
      },
      ...n.spec.managedPolicyArns.map((arn, i) => ({
        type: 'aws_iam_role_policy_attachment', name: n.spec.managedPolicyArns.length > 1 ? `${name}_${i + 1}` : name,
        importId: `${n.out.roleName ?? n.spec.roleName}/${arn}`,
        body: { role: x.ref(n.id, 'roleName'), policy_arn: arn },
      })),
    ];
  },
  cloudformation: (n, x) => [{
    logicalId: x.logicalId(n.id), type: 'AWS::IAM::Role', refs: { roleArn: 'Arn', roleName: 'Ref' },
    properties: {
      RoleName: n.spec.roleName, Path: n.spec.path, Description: n.spec.description,
      AssumeRolePolicyDocument: JSON.parse(LAMBDA_TRUST_POLICY) as Value, ManagedPolicyArns: n.spec.managedPolicyArns, Tags: tagList(n.spec.tags),
    },
    import: { identifier: { RoleName: n.out.roleName ?? n.spec.roleName } },
  }],
};

export const lambdaFunctionExport: KindExport<'lambda-function'> = {
  owner: 'ours',
  terraform: (n, x) => [{
    type: 'aws_lambda_function', name: x.tfName(n.id), importId: n.out.functionName ?? n.spec.functionName,
    refs: { functionArn: 'arn', functionName: 'function_name' },
    body: {
      function_name: n.spec.functionName, role: x.ref(n.spec.roleNode, 'roleArn'), handler: n.spec.handler, runtime: n.spec.runtime,
      memory_size: n.spec.memoryMb, timeout: n.spec.timeoutSeconds, description: n.spec.description,
      // The very package secure-api uploaded (byte for byte), so the hash matches the live CodeSha256.
      filename: new TfRaw(`"\${path.module}/${FUNCTION_ZIP}"`),
      source_code_hash: new TfRaw(`filebase64sha256("\${path.module}/${FUNCTION_ZIP}")`),
      environment: new TfBlock({ variables: functionEnvironment(n.spec) }),
      tags: n.spec.tags,
    },
  }],
  cloudformation: (n, x) => [{
    logicalId: x.logicalId(n.id), type: 'AWS::Lambda::Function', refs: { functionArn: 'Arn', functionName: 'Ref' },
    properties: {
      FunctionName: n.spec.functionName, Role: x.ref(n.spec.roleNode, 'roleArn'), Handler: n.spec.handler, Runtime: n.spec.runtime,
      MemorySize: n.spec.memoryMb, Timeout: n.spec.timeoutSeconds, Description: n.spec.description,
      // The CDK app replaces this with an asset of ./function (lambda.Code.fromAsset) when it writes the stack.
      Code: { ZipFile: `see ${FUNCTION_DIR}/${SAMPLE_FILE}` },
      Environment: { Variables: functionEnvironment(n.spec) }, Tags: tagList(n.spec.tags),
    },
    import: { identifier: { FunctionName: n.out.functionName ?? n.spec.functionName } },
  }],
};

/**
 * The function a permission is on: our node's name by reference, or an existing function by its name (the last part
 * of its ARN), which is what the provider's import id FUNCTION-NAME/STATEMENT-ID takes.
 */
const functionOf = (n: { spec: { function: { node: string } | { arn: string } } }, x: Parameters<typeof untoken>[0]): Value =>
  ('arn' in n.spec.function ? nameOfArn(n.spec.function.arn) : x.ref(n.spec.function.node, 'functionName'));
const nameOfArn = (arn: string): string => arn.split(':')[6] ?? arn;

export const lambdaPermissionExport: KindExport<'lambda-permission'> = {
  owner: 'ours',
  terraform: (n, x) => [{
    type: 'aws_lambda_permission', name: x.tfName(n.id),
    importId: `${nameOfArn(n.out.functionName ?? ('arn' in n.spec.function ? n.spec.function.arn : ''))}/${n.out.statementId ?? n.spec.statementId}`,
    body: {
      statement_id: n.spec.statementId, action: 'lambda:InvokeFunction', function_name: functionOf(n, x), principal: 'apigateway.amazonaws.com',
      source_arn: untoken(x, executeApiSourceArn(builderCtx(x), token('api', 'apiId'))),
    },
  }],
  cloudformation: (n, x) => [{
    logicalId: x.logicalId(n.id), type: 'AWS::Lambda::Permission',
    properties: {
      Action: 'lambda:InvokeFunction', FunctionName: functionOf(n, x), Principal: 'apigateway.amazonaws.com',
      SourceArn: untoken(x, executeApiSourceArn(builderCtx(x), token('api', 'apiId'))),
    },
    // CloudFormation cannot import AWS::Lambda::Permission (aws-cdk#28715: "unsupported resource type AWS::Lambda::Permission").
    import: { unsupported: `CloudFormation cannot import a Lambda permission. Leave it out of the import; the first \`cdk deploy\` adds the stack's own statement, then remove secure-api's: aws lambda remove-permission --function-name ${nameOfArn(n.out.functionName ?? '')} --statement-id ${n.out.statementId ?? n.spec.statementId}` },
  }],
};
