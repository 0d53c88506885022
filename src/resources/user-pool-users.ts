import { DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { undefinedIfNotFound } from './refs.js';
import type { Ctx } from './types.js';

/**
 * How many users a pool holds, as Cognito estimates it (DescribeUserPool's EstimatedNumberOfUsers): what a
 * replacement of the pool would delete. Undefined when the pool cannot be found.
 */
export async function estimatedUsers(ctx: Ctx, userPoolId: string): Promise<number | undefined> {
  const pool = (await undefinedIfNotFound(ctx.clients.cognito.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }))))?.UserPool;
  return pool?.EstimatedNumberOfUsers;
}
