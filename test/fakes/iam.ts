import type {
  AttachRolePolicyCommandInput, CreateRoleCommandInput, CreateRoleCommandOutput, DeleteRoleCommandInput,
  DetachRolePolicyCommandInput, GetRoleCommandInput, GetRoleCommandOutput, ListAttachedRolePoliciesCommandInput,
  ListAttachedRolePoliciesCommandOutput, ListRolesCommandInput, ListRolesCommandOutput, ListRoleTagsCommandInput,
  ListRoleTagsCommandOutput, Role, TagRoleCommandInput, UntagRoleCommandInput, UpdateRoleCommandInput,
} from '@aws-sdk/client-iam';
import { UPPER_ALNUM, compact, copy, date, page, randomString, type Ctx, type Handlers, type Out } from './core.js';
import { awsError } from './errors.js';
import type { RoleRecord } from './state.js';

function fail(name: string, message: string): never {
  throw awsError('iam', name, message);
}

function getRole(ctx: Ctx, name: string | undefined): RoleRecord {
  const role = name === undefined ? undefined : ctx.state.iam.roles[name];
  if (!role) fail('NoSuchEntityException', `The role with name ${name ?? ''} cannot be found.`);
  return role;
}

/** IAM's Marker / MaxItems paging (MaxItems 1..1000, default 100). */
function iamPage<T>(items: readonly T[], marker: string | undefined, maxItems: number | undefined): { items: T[]; IsTruncated: boolean; Marker?: string } {
  const p = page(items, {
    token: marker, limit: maxItems, defaultLimit: 100, maxLimit: 1000,
    invalid: (what) => fail('InvalidInputException', what === 'token' ? 'Invalid Marker.' : 'Invalid MaxItems.'),
  });
  return p.next === undefined ? { items: p.items, IsTruncated: false } : { items: p.items, IsTruncated: true, Marker: p.next };
}

/** GetRole answers the trust policy URL-encoded, exactly as IAM does (callers must decodeURIComponent it). */
function roleOut(r: RoleRecord, withTags: boolean): Role {
  return compact({
    Path: r.Path, RoleName: r.RoleName, RoleId: r.RoleId, Arn: r.Arn, CreateDate: date(r.CreateDate),
    AssumeRolePolicyDocument: encodeURIComponent(r.AssumeRolePolicyDocument), Description: r.Description,
    MaxSessionDuration: r.MaxSessionDuration, Tags: withTags && r.Tags.length > 0 ? copy(r.Tags) : undefined,
  });
}

function policyName(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

export const iamHandlers: Handlers = {
  CreateRole(ctx, input: CreateRoleCommandInput): Out<CreateRoleCommandOutput> {
    const name = input.RoleName ?? '';
    if (!/^[\w+=,.@-]{1,64}$/.test(name)) fail('ValidationError', `The specified value for roleName is invalid. It must contain only alphanumeric characters and/or the following: +=,.@_-`);
    const path = input.Path ?? '/';
    if (!/^\/([\x21-\x7e]*\/)?$/.test(path)) fail('ValidationError', 'The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.');
    if (ctx.state.iam.roles[name]) fail('EntityAlreadyExistsException', `Role with name ${name} already exists.`);
    const doc = input.AssumeRolePolicyDocument ?? '';
    try {
      JSON.parse(doc);
    } catch {
      fail('MalformedPolicyDocumentException', 'This policy contains invalid Json');
    }
    const s = ctx.state;
    const role: RoleRecord = compact({
      RoleName: name, RoleId: `AROA${randomString(s, 17, UPPER_ALNUM)}`, Arn: `arn:aws:iam::${s.account}:role${path}${name}`, Path: path,
      CreateDate: ctx.now(), AssumeRolePolicyDocument: doc, Description: input.Description, MaxSessionDuration: input.MaxSessionDuration ?? 3600,
      Tags: copy(input.Tags ?? []), attached: [], assumeFailuresLeft: ctx.opts.lambdaAssumeFailures,
    });
    s.iam.roles[name] = role;
    return { Role: roleOut(role, true) };
  },

  GetRole(ctx, input: GetRoleCommandInput): Out<GetRoleCommandOutput> {
    return { Role: roleOut(getRole(ctx, input.RoleName), true) };
  },

  ListRoles(ctx, input: ListRolesCommandInput): Out<ListRolesCommandOutput> {
    const prefix = input.PathPrefix ?? '/';
    const roles = Object.values(ctx.state.iam.roles).filter((r) => r.Path.startsWith(prefix)).map((r) => roleOut(r, false));
    const p = iamPage(roles, input.Marker, input.MaxItems);
    return compact({ Roles: p.items, IsTruncated: p.IsTruncated, Marker: p.Marker });
  },

  DeleteRole(ctx, input: DeleteRoleCommandInput): object {
    const role = getRole(ctx, input.RoleName);
    if (role.attached.length > 0) fail('DeleteConflictException', 'Cannot delete entity, must detach all policies first.');
    delete ctx.state.iam.roles[role.RoleName];
    return {};
  },

  AttachRolePolicy(ctx, input: AttachRolePolicyCommandInput): object {
    const role = getRole(ctx, input.RoleName);
    const arn = input.PolicyArn ?? '';
    const m = /^arn:aws[\w-]*:iam::(aws|\d{12}):policy\/.+$/.exec(arn);
    if (!m) fail('InvalidInputException', `ARN ${arn} is not valid.`);
    if (m[1] !== 'aws' && m[1] !== ctx.state.account) fail('NoSuchEntityException', `Policy ${arn} does not exist or is not attachable.`);
    if (!role.attached.includes(arn)) role.attached.push(arn);
    return {};
  },

  DetachRolePolicy(ctx, input: DetachRolePolicyCommandInput): object {
    const role = getRole(ctx, input.RoleName);
    const arn = input.PolicyArn ?? '';
    if (!role.attached.includes(arn)) fail('NoSuchEntityException', `Policy ${arn} was not found.`);
    role.attached = role.attached.filter((a) => a !== arn);
    return {};
  },

  ListAttachedRolePolicies(ctx, input: ListAttachedRolePoliciesCommandInput): Out<ListAttachedRolePoliciesCommandOutput> {
    const role = getRole(ctx, input.RoleName);
    const prefix = input.PathPrefix ?? '/';
    const all = role.attached
      .filter((arn) => `/${arn.split(':policy/')[1] ?? ''}`.startsWith(prefix))
      .map((arn) => ({ PolicyName: policyName(arn), PolicyArn: arn }));
    const p = iamPage(all, input.Marker, input.MaxItems);
    return compact({ AttachedPolicies: p.items, IsTruncated: p.IsTruncated, Marker: p.Marker });
  },

  // AWS IAM API reference, UpdateRole: "Updates the description or maximum session duration setting of a role";
  // what it is not given stays. Description: up to 1000 characters; MaxSessionDuration: 3600 to 43200 seconds.
  UpdateRole(ctx, input: UpdateRoleCommandInput): object {
    const role = getRole(ctx, input.RoleName);
    if (input.Description !== undefined && input.Description.length > 1000) fail('ValidationError', '1 validation error detected: Value at \'description\' failed to satisfy constraint: Member must have length less than or equal to 1000');
    if (input.MaxSessionDuration !== undefined && (input.MaxSessionDuration < 3600 || input.MaxSessionDuration > 43200)) {
      fail('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    }
    if (input.Description !== undefined) role.Description = input.Description;
    if (input.MaxSessionDuration !== undefined) role.MaxSessionDuration = input.MaxSessionDuration;
    return {};
  },

  TagRole(ctx, input: TagRoleCommandInput): object {
    const role = getRole(ctx, input.RoleName);
    let tags = role.Tags;
    for (const tag of input.Tags ?? []) tags = [...tags.filter((t) => t.Key !== tag.Key), { Key: tag.Key, Value: tag.Value }];
    if (tags.length > 50) fail('LimitExceededException', 'Cannot exceed quota for TagsPerRole: 50');
    role.Tags = tags;
    return {};
  },

  UntagRole(ctx, input: UntagRoleCommandInput): object {
    const role = getRole(ctx, input.RoleName);
    role.Tags = role.Tags.filter((t) => !(input.TagKeys ?? []).includes(t.Key ?? ''));
    return {};
  },

  ListRoleTags(ctx, input: ListRoleTagsCommandInput): Out<ListRoleTagsCommandOutput> {
    const role = getRole(ctx, input.RoleName);
    const p = iamPage(role.Tags, input.Marker, input.MaxItems);
    return compact({ Tags: copy(p.items), IsTruncated: p.IsTruncated, Marker: p.Marker });
  },
};
