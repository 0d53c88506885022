import type {
  GetResourcesCommandInput, GetResourcesCommandOutput, ResourceTagMapping,
} from '@aws-sdk/client-resource-groups-tagging-api';
import type { GetCallerIdentityCommandOutput } from '@aws-sdk/client-sts';
import { restApiArn } from './apigateway-apis.js';
import { page, type Ctx, type Handlers, type Out } from './core.js';
import { awsError } from './errors.js';

export const stsHandlers: Handlers = {
  GetCallerIdentity(ctx): Out<GetCallerIdentityCommandOutput> {
    const account = ctx.state.account;
    return { UserId: 'AIDAFAKEFAKEFAKEFAKE', Account: account, Arn: `arn:aws:iam::${account}:user/secure-api-fake` };
  },
};

interface Tagged {
  arn: string;
  /** `service:type`, as ResourceTypeFilters name it. */
  type: string;
  tags: Record<string, string>;
}

/** Everything the tagging API can see in the fake: REST APIs (and their stages), Lambda functions, user pools, log groups. */
function taggedResources(ctx: Ctx): Tagged[] {
  const s = ctx.state;
  const out: Tagged[] = [];
  for (const api of Object.values(s.apigateway.apis)) {
    out.push({ arn: restApiArn(ctx, api.id), type: 'apigateway:restapis', tags: api.tags });
    for (const st of Object.values(api.stages)) {
      out.push({ arn: `${restApiArn(ctx, api.id)}/stages/${st.stageName}`, type: 'apigateway:restapis/stages', tags: st.tags });
    }
  }
  for (const fn of Object.values(s.lambda.functions)) {
    out.push({ arn: fn.configuration.FunctionArn ?? '', type: 'lambda:function', tags: fn.tags });
  }
  for (const pool of Object.values(s.cognito.pools)) out.push({ arn: pool.Arn, type: 'cognito-idp:userpool', tags: pool.tags });
  for (const g of Object.values(s.logs?.groups ?? {})) out.push({ arn: g.arn, type: 'logs:log-group', tags: g.tags });
  return out;
}

function typeMatches(type: string, filters: string[] | undefined): boolean {
  if (!filters?.length) return true;
  return filters.some((f) => type === f || type.startsWith(`${f}:`) || (type.startsWith(`${f}/`)) || f === type.split(':')[0]);
}

export const taggingHandlers: Handlers = {
  GetResources(ctx, input: GetResourcesCommandInput): Out<GetResourcesCommandOutput> {
    const filters = input.TagFilters ?? [];
    const matches = taggedResources(ctx).filter((r) => Object.keys(r.tags).length > 0
      && typeMatches(r.type, input.ResourceTypeFilters)
      && (input.ResourceARNList === undefined || input.ResourceARNList.includes(r.arn))
      && filters.every((f) => f.Key !== undefined && r.tags[f.Key] !== undefined
        && (!f.Values?.length || f.Values.includes(r.tags[f.Key] ?? ''))));
    const mapped: ResourceTagMapping[] = matches.map((r) => ({
      ResourceARN: r.arn, Tags: Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value })),
    }));
    const p = page(mapped, {
      token: input.PaginationToken, limit: input.ResourcesPerPage, defaultLimit: 50, maxLimit: 100,
      invalid: (what) => {
        throw awsError('tagging', what === 'token' ? 'PaginationTokenExpiredException' : 'InvalidParameterException', `Invalid ${what}.`);
      },
    });
    // The tagging API ends a listing with an empty token, not a missing one.
    return { ResourceTagMappingList: p.items, PaginationToken: p.next ?? '' };
  },
};
