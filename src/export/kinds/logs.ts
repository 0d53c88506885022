/**
 * A log group of ours with its retention. Terraform: aws_cloudwatch_log_group, import id = the group's name;
 * CloudFormation: AWS::Logs::LogGroup (LogGroupName, RetentionInDays, Tags), identifier LogGroupName.
 */
import type { KindExport, Value } from '../model.js';

const tagList = (tags: Record<string, string> | undefined): Value | undefined =>
  (tags && Object.keys(tags).length ? Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) : undefined);

export const logGroupExport: KindExport<'log-group'> = {
  owner: 'ours',
  terraform: (n, x) => [{
    type: 'aws_cloudwatch_log_group', name: x.tfName(n.id), importId: n.out.logGroupName ?? n.spec.logGroupName,
    refs: { logGroupName: 'name', logGroupArn: 'arn' },
    body: { name: n.spec.logGroupName, retention_in_days: n.spec.retentionInDays, tags: n.spec.tags },
  }],
  cloudformation: (n, x) => [{
    logicalId: x.logicalId(n.id), type: 'AWS::Logs::LogGroup', refs: { logGroupName: 'Ref' },
    properties: { LogGroupName: n.spec.logGroupName, RetentionInDays: n.spec.retentionInDays, Tags: tagList(n.spec.tags) },
    import: { identifier: { LogGroupName: n.out.logGroupName ?? n.spec.logGroupName } },
  }],
};
