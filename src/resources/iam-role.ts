import { sometimes } from './declared-calls.js';
import type { DriftChange } from '../plan/changes.js';
import {
  AttachRolePolicyCommand, CreateRoleCommand, DeleteRoleCommand, DetachRolePolicyCommand, GetRoleCommand,
  ListAttachedRolePoliciesCommand, ListRoleTagsCommand, TagRoleCommand, UntagRoleCommand, UpdateRoleCommand,
  type AttachedPolicy, type Tag,
} from '@aws-sdk/client-iam';
import type { FieldChange } from '../plan/changes.js';
import type { SpecByKind } from '../plan/specs.js';
import { tagChange, tagDrift, wantedTags } from './tags.js';
import { ignoreNotFound, isOurs, ownerText, tagList, undefinedIfNotFound } from './refs.js';
import type { Ctx, Out, ResourceHandler } from './types.js';
import { releaseRole } from './release.js';

type Spec = SpecByKind['iam-role'];

/** Only Lambda may assume the role. */
export const LAMBDA_TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

/** A role's tags (ListRoleTags, every page); undefined when it is gone. */
export async function roleTags(ctx: Pick<Ctx, 'clients'>, roleName: string): Promise<Tag[] | undefined> {
  const all: Tag[] = [];
  let marker: string | undefined;
  do {
    const page = await undefinedIfNotFound(ctx.clients.iam.send(new ListRoleTagsCommand({ RoleName: roleName, Marker: marker })));
    if (!page) return undefined;
    all.push(...(page.Tags ?? []));
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return all;
}

function toOut(roleName: string, roleArn: string): Out {
  return { roleName, roleArn };
}

async function attachedPolicies(ctx: Ctx, roleName: string): Promise<AttachedPolicy[]> {
  const all: AttachedPolicy[] = [];
  let marker: string | undefined;
  do {
    const page = await ctx.clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName, Marker: marker }));
    all.push(...(page.AttachedPolicies ?? []));
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return all;
}

async function attachMissing(ctx: Ctx, spec: Spec, attached: AttachedPolicy[]): Promise<void> {
  const have = new Set(attached.map((p) => p.PolicyArn));
  for (const arn of spec.managedPolicyArns) {
    if (!have.has(arn)) await ctx.clients.iam.send(new AttachRolePolicyCommand({ RoleName: spec.roleName, PolicyArn: arn }));
  }
}

/**
 * In place: the description (UpdateRole, "Updates the description or maximum session duration setting of a role"),
 * the managed policies (attach what is missing, detach what the spec does not name: the role is ours alone) and the
 * user's tags (TagRole / UntagRole). Only the name and the path make a new role.
 */
async function updateRole(ctx: Ctx, want: Spec, out: Out, fields: FieldChange[]): Promise<Out> {
  const roleName = out.roleName ?? want.roleName;
  const role = (await ctx.clients.iam.send(new GetRoleCommand({ RoleName: roleName }))).Role;
  if ((role?.Description ?? '') !== want.description) {
    await ctx.clients.iam.send(new UpdateRoleCommand({ RoleName: roleName, Description: want.description }));
  }
  const attached = await attachedPolicies(ctx, roleName);
  await attachMissing(ctx, want, attached);
  for (const p of attached) {
    if (p.PolicyArn && !want.managedPolicyArns.includes(p.PolicyArn)) {
      await ctx.clients.iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: p.PolicyArn }));
    }
  }
  const tags = tagChange(ctx, want.tags, await roleTags(ctx, roleName), fields);
  if (Object.keys(tags.set).length) await ctx.clients.iam.send(new TagRoleCommand({ RoleName: roleName, Tags: tagList(tags.set) }));
  if (tags.remove.length) await ctx.clients.iam.send(new UntagRoleCommand({ RoleName: roleName, TagKeys: tags.remove }));
  return out;
}

/** The sample function's execution role: assumable by Lambda, with CloudWatch Logs access only. */
export const iamRoleHandler: ResourceHandler<Spec> = {
  kind: 'iam-role',
  calls: {
    create: ['iam:CreateRole', { call: 'iam:AttachRolePolicy', times: (s) => s.managedPolicyArns.length }],
    // A role that is already there (a resumed run) gets its missing managed policies attached.
    nameTaken: ['iam:GetRole', sometimes('iam:ListRoleTags', 'a role of that name exists under our path')],
    find: ['iam:GetRole', 'iam:ListRoleTags', 'iam:ListAttachedRolePolicies', sometimes('iam:AttachRolePolicy', 'a managed policy of the spec is not attached')],
    read: ['iam:GetRole', 'iam:ListAttachedRolePolicies', sometimes('iam:ListRoleTags', 'the spec has user tags to compare')],
    tags: ['iam:ListRoleTags'],
    update: [
      'iam:GetRole', sometimes('iam:UpdateRole', 'the trust policy or description differs'), 'iam:ListAttachedRolePolicies',
      sometimes('iam:AttachRolePolicy', 'a managed policy is missing'), sometimes('iam:DetachRolePolicy', 'a managed policy is no longer wanted'),
      'iam:ListRoleTags', sometimes('iam:TagRole', 'a tag is missing or differs'), sometimes('iam:UntagRole', 'a user tag was dropped'),
    ],
    delete: ['iam:ListAttachedRolePolicies', 'iam:DetachRolePolicy', 'iam:DeleteRole'],
    release: ['iam:UntagRole'],
  },
  policyNames: (spec, out) => ({ roleNames: out.roleName ?? spec?.roleName }),
  service: 'iam',
  immutable: ['roleName', 'path'],
  update: (ctx, want, out, _deps, fields) => updateRole(ctx, want, out, fields),
  release: (ctx, _spec, out) => releaseRole(ctx, out),

  async create(ctx, spec) {
    const res = await ctx.clients.iam.send(new CreateRoleCommand({
      RoleName: spec.roleName,
      Path: spec.path,
      Description: spec.description,
      AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY,
      Tags: tagList(wantedTags(ctx, spec.tags)),
    }));
    const arn = res.Role?.Arn;
    if (!arn) throw new Error(`CreateRole returned no ARN for ${spec.roleName}`);
    await attachMissing(ctx, spec, []);
    return toOut(spec.roleName, arn);
  },

  rename: { change: '`function.roleName` in a --config file' },
  async nameTaken(ctx, spec) {
    const role = (await undefinedIfNotFound(ctx.clients.iam.send(new GetRoleCommand({ RoleName: spec.roleName }))))?.Role;
    if (!role) return undefined;
    // Role names are unique in an account whatever their path; one outside /secure-api/ is never ours.
    if (role.Path !== spec.path) return { what: 'IAM role', name: spec.roleName, owner: `a role under path ${role.Path ?? '/'}, not made by secure-api` };
    const tags = await roleTags(ctx, spec.roleName);
    return isOurs(ctx, tags) ? undefined : { what: 'IAM role', name: spec.roleName, owner: ownerText(tags) };
  },

  async find(ctx, spec) {
    const res = await undefinedIfNotFound(ctx.clients.iam.send(new GetRoleCommand({ RoleName: spec.roleName })));
    const role = res?.Role;
    // A role of that name outside our path, or without our stack's and state's tags, belongs to someone else.
    if (!role?.Arn || role.Path !== spec.path || !isOurs(ctx, await roleTags(ctx, spec.roleName))) return undefined;
    // A crash between CreateRole and AttachRolePolicy leaves the role without its policy: finish the job.
    await attachMissing(ctx, spec, await attachedPolicies(ctx, spec.roleName));
    return toOut(spec.roleName, role.Arn);
  },

  // By the very name delete and update use; an ARN of another name is not this role (src/engine/ownership.ts).
  async tags(ctx, out, spec) {
    const roleName = out.roleName ?? spec?.roleName;
    return roleName ? roleTags(ctx, roleName) : undefined;
  },

  unmatched(spec, out) {
    const roleName = out.roleName ?? spec?.roleName;
    if (out.roleArn && roleName && !out.roleArn.endsWith(`/${roleName}`)) return `the recorded ARN ${out.roleArn} does not name role ${roleName}`;
    return undefined;
  },

  async read(ctx, spec, out) {
    const roleName = out.roleName ?? spec.roleName;
    const res = await undefinedIfNotFound(ctx.clients.iam.send(new GetRoleCommand({ RoleName: roleName })));
    if (!res?.Role) return { state: 'missing' };
    const attached = (await attachedPolicies(ctx, roleName)).map((p) => p.PolicyArn ?? p.PolicyName ?? '?');
    const drift: DriftChange[] = [
      ...attached.filter((arn) => !spec.managedPolicyArns.includes(arn)).map((arn) => ({ path: 'managedPolicyArns', before: null, after: arn })),
      ...spec.managedPolicyArns.filter((arn) => !attached.includes(arn)).map((arn) => ({ path: 'managedPolicyArns', before: arn, after: null })),
      // The user's tags, when there are any (ListRoleTags: GetRole's Tags are not paged).
      ...(spec.tags ? tagDrift(spec.tags, await roleTags(ctx, roleName)) : []),
    ];
    return drift.length > 0 ? { state: 'drifted', drift, out } : { state: 'present', out };
  },

  async delete(ctx, spec, out) {
    const roleName = out.roleName ?? spec.roleName;
    const attached = await undefinedIfNotFound(attachedPolicies(ctx, roleName));
    if (!attached) return;
    // IAM refuses DeleteRole while managed policies are attached.
    for (const p of attached) {
      if (p.PolicyArn) await ignoreNotFound(ctx.clients.iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: p.PolicyArn })));
    }
    await ignoreNotFound(ctx.clients.iam.send(new DeleteRoleCommand({ RoleName: roleName })));
  },
  // destroy --orphans: DeleteRole takes the role name (its policies are detached first, as on every delete).
  fromFound: (found) => ({ out: { roleName: found.id }, before: [] }),
};
