import { GetAccountCommand } from '@aws-sdk/client-api-gateway';
import { UsageError } from '../errors.js';
import type { Plan } from '../plan/specs.js';
import type { NodeRecord } from '../state/schema.js';
import type { Ctx } from './types.js';

/**
 * API Gateway writes access logs with the account's CloudWatch role (GetAccount's cloudwatchRoleArn, one per account
 * and region); without one, UpdateStage is refused "CloudWatch Logs role ARN must be set in account settings to enable
 * logging" (aws-solutions/virtual-waiting-room-on-aws#74, sst/sst#1556). That setting belongs to the account and every
 * API in it: secure-api never sets nor unsets it. A plan that turns access logging on is refused before any write
 * (exit 2), with the commands that set it once.
 */
export async function checkAccessLogRole(ctx: Ctx, plan: Plan, recorded: Record<string, NodeRecord>): Promise<void> {
  const turnsOn = plan.nodes.some((n) => n.kind === 'stage-setting' && n.spec.setting === 'access-log' && recorded[n.id]?.status !== 'created');
  if (!turnsOn) return;
  const account = await ctx.clients.apigateway.send(new GetAccountCommand({}));
  if (account.cloudwatchRoleArn) return;
  const role = `arn:${ctx.partition}:iam::${ctx.account}:role/APIGatewayPushToCloudWatchLogs`;
  throw new UsageError(
    `access logging needs a CloudWatch Logs role in API Gateway's account settings, and account ${ctx.account} has none in ${ctx.region}: nothing was created or changed`,
    [
      'It is one setting for every API of the account in this region, so secure-api does not change it. Set it once (then run init again):',
      `  aws iam create-role --role-name APIGatewayPushToCloudWatchLogs --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"apigateway.amazonaws.com"},"Action":"sts:AssumeRole"}]}'`,
      `  aws iam attach-role-policy --role-name APIGatewayPushToCloudWatchLogs --policy-arn arn:${ctx.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs`,
      `  aws apigateway update-account --region ${ctx.region} --patch-operations op=replace,path=/cloudwatchRoleArn,value=${role}`,
      'Or leave access logging off (--no-access-log, stage.accessLog: null).',
    ].join('\n'),
    'ACCESS_LOG_ROLE_MISSING',
  );
}
