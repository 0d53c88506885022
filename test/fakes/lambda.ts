import type {
  AddPermissionCommandInput, AddPermissionCommandOutput, CreateFunctionCommandInput, CreateFunctionCommandOutput,
  DeleteFunctionCommandInput, FunctionConfiguration, GetFunctionCommandInput, GetFunctionCommandOutput,
  GetFunctionConfigurationCommandInput, GetFunctionConfigurationCommandOutput, GetPolicyCommandInput, GetPolicyCommandOutput,
  ListFunctionsCommandInput, ListFunctionsCommandOutput, ListTagsCommandInput, ListTagsCommandOutput, RemovePermissionCommandInput,
  TagResourceCommandInput, UntagResourceCommandInput, UpdateFunctionCodeCommandInput, UpdateFunctionCodeCommandOutput, UpdateFunctionConfigurationCommandInput, UpdateFunctionConfigurationCommandOutput,
} from '@aws-sdk/client-lambda';
import { createHash } from 'node:crypto';
import { compact, copy, lambdaTimestamp, page, randomUuid, regionOf, type Ctx, type Handlers, type Out } from './core.js';
import { awsError } from './errors.js';
import type { FunctionRecord, PolicyStatement, RoleRecord } from './state.js';

function fail(name: string, message: string): never {
  throw awsError('lambda', name, message);
}

const NOT_ASSUMABLE = 'The role defined for the function cannot be assumed by Lambda.';
const ROLE_ARN = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;

export function functionArn(ctx: Ctx, name: string): string {
  return `arn:aws:lambda:${regionOf(ctx)}:${ctx.state.account}:function:${name}`;
}

/** FunctionName may be a name, a full ARN or a partial ARN (`123456789012:function:name`), with an optional qualifier. */
function resolve(ctx: Ctx, ref: string | undefined): FunctionRecord {
  const m = /^(?:arn:aws[\w-]*:lambda:[\w-]+:)?(?:\d{12}:)?(?:function:)?([a-zA-Z0-9_-]+)(?::[\w$-]+)?$/.exec(ref ?? '');
  const name = m?.[1] ?? ref ?? '';
  const fn = ctx.state.lambda.functions[name];
  if (!fn) fail('ResourceNotFoundException', `Function not found: ${functionArn(ctx, name)}`);
  return fn;
}

/** Each read moves a Pending function on: Active once `lambdaActiveAfterReads` reads have been answered. */
function read(ctx: Ctx, fn: FunctionRecord): FunctionConfiguration {
  if (fn.configuration.State === 'Pending' && fn.reads >= ctx.opts.lambdaActiveAfterReads) {
    fn.configuration = compact({
      ...fn.configuration, State: 'Active' as const, StateReason: undefined, StateReasonCode: undefined,
      LastUpdateStatus: 'Successful' as const,
    });
  }
  // An update settles the same way: LastUpdateStatus InProgress, then Successful.
  if (fn.configuration.LastUpdateStatus === 'InProgress' && fn.reads >= ctx.opts.lambdaActiveAfterReads) {
    fn.configuration = { ...fn.configuration, LastUpdateStatus: 'Successful' as const };
  }
  fn.reads += 1;
  return copy(fn.configuration);
}

/** IAM is eventually consistent: a new role is refused by Lambda for a while (a number of attempts, or a time window). */
function checkRole(ctx: Ctx, roleArn: string | undefined): void {
  if (!roleArn || !ROLE_ARN.test(roleArn)) {
    fail('ValidationException', `1 validation error detected: Value '${roleArn ?? ''}' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+`);
  }
  const role: RoleRecord | undefined = Object.values(ctx.state.iam.roles).find((r) => r.Arn === roleArn);
  if (!role) fail('InvalidParameterValueException', NOT_ASSUMABLE);
  if (!role.AssumeRolePolicyDocument.includes('lambda.amazonaws.com')) fail('InvalidParameterValueException', NOT_ASSUMABLE);
  if (role.assumeFailuresLeft > 0) {
    role.assumeFailuresLeft -= 1;
    fail('InvalidParameterValueException', NOT_ASSUMABLE);
  }
  if (ctx.now() - role.CreateDate < ctx.opts.lambdaAssumeWindowMs) fail('InvalidParameterValueException', NOT_ASSUMABLE);
}

function checkCode(input: CreateFunctionCommandInput): string | undefined {
  if (input.PackageType === 'Image') {
    if (!input.Code?.ImageUri) fail('InvalidParameterValueException', 'Source image is required for functions with Image package type.');
    return undefined;
  }
  if (!input.Runtime || !input.Handler) fail('InvalidParameterValueException', 'Runtime and Handler are mandatory parameters for functions created with deployment packages.');
  const zip = input.Code?.ZipFile;
  if (zip) {
    if (zip.length < 4 || zip[0] !== 0x50 || zip[1] !== 0x4b) fail('InvalidParameterValueException', 'Could not unzip uploaded file. Please check your file, then try to upload again.');
    return Buffer.from(zip).toString('base64');
  }
  if (!input.Code?.S3Bucket || !input.Code.S3Key) fail('InvalidParameterValueException', 'Please provide a source for function code.');
  return undefined;
}

function statementFor(ctx: Ctx, fn: FunctionRecord, input: AddPermissionCommandInput): PolicyStatement {
  const p = input.Principal ?? '';
  const principal: PolicyStatement['Principal'] = p === '*' ? '*'
    : /^\d{12}$/.test(p) ? { AWS: `arn:aws:iam::${p}:root` } : p.startsWith('arn:') ? { AWS: p } : { Service: p };
  const condition: Record<string, Record<string, string>> = {};
  if (input.SourceArn !== undefined) condition.ArnLike = { 'AWS:SourceArn': input.SourceArn };
  const equals: Record<string, string> = {};
  if (input.SourceAccount !== undefined) equals['AWS:SourceAccount'] = input.SourceAccount;
  if (input.PrincipalOrgID !== undefined) equals['aws:PrincipalOrgID'] = input.PrincipalOrgID;
  if (Object.keys(equals).length > 0) condition.StringEquals = equals;
  const resource = fn.configuration.FunctionArn ?? functionArn(ctx, fn.configuration.FunctionName ?? '');
  return compact({
    Sid: input.StatementId ?? '', Effect: 'Allow' as const, Principal: principal, Action: input.Action ?? '',
    Resource: input.Qualifier ? `${resource}:${input.Qualifier}` : resource,
    Condition: Object.keys(condition).length > 0 ? condition : undefined,
  });
}

/** A function still Pending, or with an update InProgress, refuses another change (ResourceConflictException, 409). */
function refuseWhileInProgress(c: { State?: string | undefined; LastUpdateStatus?: string | undefined; FunctionArn?: string | undefined }): void {
  if (c.State === 'Pending' || c.LastUpdateStatus === 'InProgress') {
    fail('ResourceConflictException', `The operation cannot be performed at this time. An update is in progress for resource: ${c.FunctionArn ?? ''}`);
  }
}

export const lambdaHandlers: Handlers = {
  CreateFunction(ctx, input: CreateFunctionCommandInput): Out<CreateFunctionCommandOutput> {
    const name = input.FunctionName ?? '';
    if (!/^[a-zA-Z0-9_-]{1,64}$/.test(name)) {
      fail('ValidationException', `1 validation error detected: Value '${name}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+`);
    }
    if (ctx.state.lambda.functions[name]) fail('ResourceConflictException', `Function already exist: ${name}`);
    const zipBase64 = checkCode(input);
    checkRole(ctx, input.Role);
    if (input.MemorySize !== undefined && (input.MemorySize < 128 || input.MemorySize > 10240)) {
      fail('ValidationException', `1 validation error detected: Value '${input.MemorySize}' at 'memorySize' failed to satisfy constraint: Member must have value between 128 and 10240`);
    }
    if (input.Timeout !== undefined && (input.Timeout < 1 || input.Timeout > 900)) {
      fail('ValidationException', `1 validation error detected: Value '${input.Timeout}' at 'timeout' failed to satisfy constraint: Member must have value between 1 and 900`);
    }
    const zip = zipBase64 === undefined ? Buffer.alloc(0) : Buffer.from(zipBase64, 'base64');
    const configuration: FunctionConfiguration = compact({
      FunctionName: name, FunctionArn: functionArn(ctx, name), Runtime: input.Runtime, Role: input.Role, Handler: input.Handler,
      CodeSize: zip.length, CodeSha256: createHash('sha256').update(zip).digest('base64'), Description: input.Description ?? '',
      Timeout: input.Timeout ?? 3, MemorySize: input.MemorySize ?? 128, LastModified: lambdaTimestamp(ctx.now()), Version: '$LATEST',
      Environment: input.Environment?.Variables ? { Variables: { ...input.Environment.Variables } } : undefined,
      TracingConfig: { Mode: input.TracingConfig?.Mode ?? 'PassThrough' }, RevisionId: randomUuid(ctx.state),
      State: 'Pending' as const, StateReason: 'The function is being created.', StateReasonCode: 'Creating' as const,
      PackageType: input.PackageType ?? 'Zip', Architectures: [...(input.Architectures ?? ['x86_64'])],
      EphemeralStorage: { Size: input.EphemeralStorage?.Size ?? 512 },
      LoggingConfig: { LogFormat: 'Text' as const, LogGroup: `/aws/lambda/${name}` },
      SnapStart: { ApplyOn: 'None' as const, OptimizationStatus: 'Off' as const },
    });
    ctx.state.lambda.functions[name] = compact({ configuration, tags: { ...input.Tags }, reads: 0, statements: [], zipBase64 });
    return copy(configuration);
  },

  GetFunction(ctx, input: GetFunctionCommandInput): Out<GetFunctionCommandOutput> {
    const fn = resolve(ctx, input.FunctionName);
    const region = regionOf(ctx);
    return compact({
      Configuration: read(ctx, fn),
      Code: { RepositoryType: 'S3', Location: `https://awslambda-${region}-tasks.s3.${region}.amazonaws.com/snapshots/${ctx.state.account}/${fn.configuration.FunctionName ?? ''}-fake` },
      // AWS: "Lambda returns tag data only if you have explicit allow permissions for lambda:ListTags" (GetFunction,
      // Lambda API reference, Tags / TagsError); a caller without it gets TagsError instead.
      ...(ctx.opts.getFunctionReturnsTags
        ? { Tags: Object.keys(fn.tags).length > 0 ? { ...fn.tags } : undefined }
        : { TagsError: { ErrorCode: 'AccessDeniedException', Message: 'The caller is not explicitly allowed lambda:ListTags on this function.' } }),
    });
  },

  /**
   * Only the settings given change (Environment is replaced whole); the update runs asynchronously
   * (LastUpdateStatus InProgress), and a function still Pending or InProgress refuses another change with
   * ResourceConflictException — https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionConfiguration.html,
   * https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html.
   */
  UpdateFunctionConfiguration(ctx, input: UpdateFunctionConfigurationCommandInput): Out<UpdateFunctionConfigurationCommandOutput> {
    const fn = resolve(ctx, input.FunctionName);
    const c = fn.configuration;
    refuseWhileInProgress(c);
    if (input.MemorySize !== undefined && (input.MemorySize < 128 || input.MemorySize > 10240)) {
      fail('ValidationException', `1 validation error detected: Value '${input.MemorySize}' at 'memorySize' failed to satisfy constraint: Member must have value between 128 and 10240`);
    }
    if (input.Timeout !== undefined && (input.Timeout < 1 || input.Timeout > 900)) {
      fail('ValidationException', `1 validation error detected: Value '${input.Timeout}' at 'timeout' failed to satisfy constraint: Member must have value between 1 and 900`);
    }
    if (input.Role !== undefined) checkRole(ctx, input.Role);
    fn.configuration = compact({
      ...c, Runtime: input.Runtime ?? c.Runtime, Role: input.Role ?? c.Role, Handler: input.Handler ?? c.Handler,
      Description: input.Description ?? c.Description, MemorySize: input.MemorySize ?? c.MemorySize, Timeout: input.Timeout ?? c.Timeout,
      Environment: input.Environment ? { Variables: { ...input.Environment.Variables } } : c.Environment,
      LastModified: lambdaTimestamp(ctx.now()), RevisionId: randomUuid(ctx.state), LastUpdateStatus: 'InProgress' as const,
    });
    fn.reads = 0;
    return copy(fn.configuration);
  },

  /**
   * New code for the function (https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionCode.html): a zip that
   * unzips (InvalidParameterValueException otherwise), a new CodeSha256; like a configuration update it runs
   * asynchronously (LastUpdateStatus InProgress) and is refused while another update is in progress.
   */
  UpdateFunctionCode(ctx, input: UpdateFunctionCodeCommandInput): Out<UpdateFunctionCodeCommandOutput> {
    const fn = resolve(ctx, input.FunctionName);
    refuseWhileInProgress(fn.configuration);
    const zip = input.ZipFile;
    if (!zip) fail('InvalidParameterValueException', 'Please provide a source for function code.');
    if (zip.length < 4 || zip[0] !== 0x50 || zip[1] !== 0x4b) fail('InvalidParameterValueException', 'Could not unzip uploaded file. Please check your file, then try to upload again.');
    fn.zipBase64 = Buffer.from(zip).toString('base64');
    fn.configuration = compact({
      ...fn.configuration, CodeSize: zip.length, CodeSha256: createHash('sha256').update(zip).digest('base64'),
      LastModified: lambdaTimestamp(ctx.now()), RevisionId: randomUuid(ctx.state), LastUpdateStatus: 'InProgress' as const,
    });
    fn.reads = 0;
    return copy(fn.configuration);
  },

  GetFunctionConfiguration(ctx, input: GetFunctionConfigurationCommandInput): Out<GetFunctionConfigurationCommandOutput> {
    return read(ctx, resolve(ctx, input.FunctionName));
  },

  ListFunctions(ctx, input: ListFunctionsCommandInput): Out<ListFunctionsCommandOutput> {
    const all = Object.values(ctx.state.lambda.functions).map((f) => copy(f.configuration));
    const p = page(all, {
      token: input.Marker, limit: input.MaxItems, defaultLimit: 50, maxLimit: 10000,
      invalid: (what) => fail('InvalidParameterValueException', what === 'token' ? 'Invalid marker.' : 'Invalid MaxItems.'),
    });
    return compact({ Functions: p.items, NextMarker: p.next });
  },

  DeleteFunction(ctx, input: DeleteFunctionCommandInput): object {
    const fn = resolve(ctx, input.FunctionName);
    delete ctx.state.lambda.functions[fn.configuration.FunctionName ?? ''];
    return {};
  },

  AddPermission(ctx, input: AddPermissionCommandInput): Out<AddPermissionCommandOutput> {
    const fn = resolve(ctx, input.FunctionName);
    const sid = input.StatementId ?? '';
    if (!/^[a-zA-Z0-9_.-]{1,100}$/.test(sid)) fail('ValidationException', `1 validation error detected: Value '${sid}' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_.]+)`);
    if (!/^(lambda:[*]|lambda:[a-zA-Z]+|[*])$/.test(input.Action ?? '')) fail('ValidationException', `1 validation error detected: Value '${input.Action ?? ''}' at 'action' failed to satisfy constraint`);
    if (!input.Principal) fail('ValidationException', "1 validation error detected: Value null at 'principal' failed to satisfy constraint: Member must not be null");
    if (fn.statements.some((s) => s.Sid === sid)) {
      fail('ResourceConflictException', `The statement id (${sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`);
    }
    const statement = statementFor(ctx, fn, input);
    fn.statements.push(statement);
    return { Statement: JSON.stringify(statement) };
  },

  RemovePermission(ctx, input: RemovePermissionCommandInput): object {
    const fn = resolve(ctx, input.FunctionName);
    const before = fn.statements.length;
    fn.statements = fn.statements.filter((s) => s.Sid !== input.StatementId);
    if (fn.statements.length === before) fail('ResourceNotFoundException', `Statement ${input.StatementId ?? ''} is not found in resource policy.`);
    return {};
  },

  GetPolicy(ctx, input: GetPolicyCommandInput): Out<GetPolicyCommandOutput> {
    const fn = resolve(ctx, input.FunctionName);
    if (fn.statements.length === 0) fail('ResourceNotFoundException', 'The resource you requested does not exist.');
    return { Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: fn.statements }), RevisionId: fn.configuration.RevisionId };
  },

  // Lambda API reference, TagResource / UntagResource, Errors: ResourceConflictException "The resource already exists,
  // or another operation is in progress" (409): a function whose update is still InProgress (or that is still Pending)
  // is refused, as UpdateFunctionConfiguration refuses it.
  TagResource(ctx, input: TagResourceCommandInput): object {
    const fn = resolve(ctx, input.Resource);
    refuseWhileInProgress(fn.configuration);
    Object.assign(fn.tags, input.Tags);
    return {};
  },

  UntagResource(ctx, input: UntagResourceCommandInput): object {
    const fn = resolve(ctx, input.Resource);
    refuseWhileInProgress(fn.configuration);
    for (const k of input.TagKeys ?? []) delete fn.tags[k];
    return {};
  },

  // ListTags takes the function's ARN, never its bare name (Lambda API reference, ListTags: "Resource", pattern
  // arn:(aws[a-zA-Z-]*)?:lambda:…:function:…): https://docs.aws.amazon.com/lambda/latest/api/API_ListTags.html
  ListTags(ctx, input: ListTagsCommandInput): Out<ListTagsCommandOutput> {
    const arn = input.Resource ?? '';
    if (!/^arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:function:[a-zA-Z0-9_-]+(:(\$LATEST|[a-zA-Z0-9_-]+))?$/.test(arn)) {
      fail('ValidationException', `1 validation error detected: Value '${arn}' at 'resource' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}(-gov)?-[a-z]+-\\d{1}:\\d{12}:function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?`);
    }
    return { Tags: { ...resolve(ctx, arn).tags } };
  },
};
