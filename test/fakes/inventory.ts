import type { ServiceName } from './errors.js';
import type { FakeState } from './state.js';

/** One live thing in the fake. "Nothing left" is `resources().length === 0`. */
export interface FakeResource {
  service: ServiceName;
  type:
    | 'rest-api' | 'resource' | 'method' | 'authorizer' | 'deployment' | 'stage' | 'gateway-response'
    | 'user-pool' | 'user-pool-client' | 'identity-provider' | 'user-pool-domain' | 'user'
    | 'function' | 'permission'
    | 'role' | 'role-policy-attachment'
    | 'log-group';
  id: string;
  name: string;
  /** The id of what it lives in (API, resource, pool, function, role). */
  parent?: string;
}

/**
 * Every live resource, flat. An API's root resource is part of the API and not listed; integrations, method and
 * integration responses are part of their method. Customised gateway responses are listed, AWS's defaults are not.
 */
export function inventory(state: FakeState): FakeResource[] {
  const out: FakeResource[] = [];
  for (const api of Object.values(state.apigateway.apis)) {
    out.push({ service: 'apigateway', type: 'rest-api', id: api.id, name: api.name });
    for (const r of Object.values(api.resources)) {
      if (r.id !== api.rootResourceId) out.push({ service: 'apigateway', type: 'resource', id: r.id, name: r.path, parent: api.id });
      for (const verb of Object.keys(r.methods)) {
        out.push({ service: 'apigateway', type: 'method', id: `${api.id}/${r.id}/${verb}`, name: `${verb} ${r.path}`, parent: r.id });
      }
    }
    for (const a of Object.values(api.authorizers)) {
      out.push({ service: 'apigateway', type: 'authorizer', id: a.id ?? '', name: a.name ?? '', parent: api.id });
    }
    for (const d of Object.values(api.deployments)) {
      out.push({ service: 'apigateway', type: 'deployment', id: d.id, name: d.description ?? d.id, parent: api.id });
    }
    for (const st of Object.values(api.stages)) {
      out.push({ service: 'apigateway', type: 'stage', id: st.stageName, name: st.stageName, parent: api.id });
    }
    for (const t of Object.keys(api.gatewayResponses)) {
      out.push({ service: 'apigateway', type: 'gateway-response', id: t, name: t, parent: api.id });
    }
  }
  for (const pool of Object.values(state.cognito.pools)) {
    out.push({ service: 'cognito', type: 'user-pool', id: pool.Id, name: pool.Name });
    for (const c of Object.values(pool.clients)) {
      out.push({ service: 'cognito', type: 'user-pool-client', id: c.ClientId, name: c.ClientName ?? '', parent: pool.Id });
    }
    for (const p of Object.values(pool.idps)) {
      out.push({ service: 'cognito', type: 'identity-provider', id: p.ProviderName, name: p.ProviderName, parent: pool.Id });
    }
    for (const u of Object.values(pool.users)) {
      const email = u.Attributes.find((a) => a.Name === 'email')?.Value;
      out.push({ service: 'cognito', type: 'user', id: u.Username, name: email ?? u.Username, parent: pool.Id });
    }
  }
  for (const d of Object.values(state.cognito.domains)) {
    out.push({ service: 'cognito', type: 'user-pool-domain', id: d.Domain, name: d.Domain, parent: d.UserPoolId });
  }
  for (const fn of Object.values(state.lambda.functions)) {
    const name = fn.configuration.FunctionName ?? '';
    out.push({ service: 'lambda', type: 'function', id: name, name });
    for (const s of fn.statements) out.push({ service: 'lambda', type: 'permission', id: s.Sid, name: s.Sid, parent: name });
  }
  for (const g of Object.values(state.logs?.groups ?? {})) out.push({ service: 'logs', type: 'log-group', id: g.logGroupName, name: g.logGroupName });
  for (const role of Object.values(state.iam.roles)) {
    out.push({ service: 'iam', type: 'role', id: role.RoleId, name: role.RoleName });
    for (const arn of role.attached) {
      out.push({ service: 'iam', type: 'role-policy-attachment', id: arn, name: arn.slice(arn.lastIndexOf('/') + 1), parent: role.RoleName });
    }
  }
  return out;
}
