import type { StackConfig } from '../config/schema.js';
import type { AnyPlanNode } from './specs.js';

/**
 * The stage settings switched on (issue 25.6), one node each (access logging with its log group), after the node that makes or holds the stage
 * (`stageNode`: our deployment, or the user's existing stage) and deleted before it, so destroy puts back what the
 * stage had. A setting left off is no node: a stage of the user's keeps what it has, and an old state plans nothing new.
 */
export function stageSettingNodes(config: StackConfig, stageNode: string): AnyPlanNode[] {
  const stageName = config.stage.name;
  const at = { deps: ['api', stageNode], parent: stageNode };
  const nodes: AnyPlanNode[] = [];
  if (config.stage.tracing === true) {
    nodes.push({ ...at, id: 'stage-setting:tracing', kind: 'stage-setting', label: `stage ${stageName} X-Ray tracing`, spec: { stageName, setting: 'tracing', tracing: true } });
  }
  const t = config.stage.throttle;
  if (t) {
    nodes.push({
      ...at, id: 'stage-setting:throttle', kind: 'stage-setting', label: `stage ${stageName} throttling ${t.rateLimit}/s, burst ${t.burstLimit}`,
      spec: { stageName, setting: 'throttle', throttle: { rateLimit: t.rateLimit, burstLimit: t.burstLimit } },
    });
  }
  const a = config.stage.accessLog;
  if (a) {
    // Its own log group, made first and deleted after the stage stops writing to it (reversed edges).
    const group = 'log-group:access';
    const tags = Object.keys(config.tags).length > 0 ? { tags: { ...config.tags } } : {};
    nodes.push({
      id: group, kind: 'log-group', deps: [], label: a.logGroupName,
      spec: { logGroupName: a.logGroupName, retentionInDays: a.retentionDays, ...tags },
    });
    nodes.push({
      ...at, deps: [...at.deps, group], id: 'stage-setting:access-log', kind: 'stage-setting', label: `stage ${stageName} access log`,
      spec: { stageName, setting: 'access-log', accessLog: { logGroupNode: group, format: a.format } },
    });
  }
  return nodes;
}
