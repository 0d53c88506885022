import { z } from 'zod';
import type { StackOutputs } from './outputs.js';

/*
 * The one shape of a stack's outputs in `--json`: `init --json`, `status --json` (which adds its checks beside it) and
 * `plan --json` all carry these keys. Exported for scripts: `stackOutputsSchema.parse(JSON.parse(stdout))` reads any
 * of them (extra keys are dropped, not refused). Absent values are null, never missing keys.
 */

export const routeUrlSchema = z.object({
  method: z.string(),
  path: z.string(),
  /** The invoke URL of this route. */
  url: z.string(),
  /** Behind the Cognito authorizer (false: a public route). */
  secured: z.boolean(),
});

export const outputIdsSchema = z.object({
  apiId: z.string().nullable(),
  stage: z.string().nullable(),
  userPoolId: z.string().nullable(),
  userPoolClientId: z.string().nullable(),
  authorizerId: z.string().nullable(),
  functionName: z.string().nullable(),
});

export const outputUrlsSchema = z.object({
  /** The stage's invoke URL. */
  invoke: z.string().nullable(),
  /** One per route and method. */
  routes: z.array(routeUrlSchema),
  /** The hosted UI's login page for the app client (null without a domain). */
  hostedUiLogin: z.string().nullable(),
  jwks: z.string().nullable(),
  /** The token issuer (`iss`). */
  issuer: z.string().nullable(),
});

export const stackOutputsSchema = z.object({
  stack: z.string(),
  region: z.string(),
  account: z.string(),
  stateFile: z.string(),
  ids: outputIdsSchema,
  urls: outputUrlsSchema,
});
export type StackOutputsJson = z.infer<typeof stackOutputsSchema>;

const nullable = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

/** The outputs as `--json` prints them. */
export function outputsJson(o: StackOutputs): StackOutputsJson {
  return {
    stack: o.stack, region: o.region, account: o.account, stateFile: o.stateFile,
    ids: {
      apiId: nullable(o.apiId), stage: nullable(o.stage), userPoolId: nullable(o.userPoolId), userPoolClientId: nullable(o.userPoolClientId),
      authorizerId: nullable(o.authorizerId), functionName: nullable(o.functionName),
    },
    urls: {
      invoke: nullable(o.invokeUrl), routes: o.routes, hostedUiLogin: nullable(o.hostedUiUrl), jwks: nullable(o.jwksUrl), issuer: nullable(o.issuer),
    },
  };
}
