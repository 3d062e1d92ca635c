import {
  ApplicationAutoScalingClient,
  DeleteScalingPolicyCommand,
  DeleteScheduledActionCommand,
  DescribeScalingPoliciesCommand,
  DescribeScheduledActionsCommand,
  PutScalingPolicyCommand,
  PutScheduledActionCommand,
  type ScalingPolicy,
  type ScheduledAction,
} from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, DeleteAlarmsCommand, DescribeAlarmsCommand, PutMetricAlarmCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AccountConfig } from '@outrigger/runtime';
import type { EcsContext } from '../EcsContext.js';
import { callAws } from './callAws.js';

type Undo = { what: string; undo: () => Promise<unknown> };
const DIM = 'ecs:service:DesiredCount';

/** `old-name` with the source service name replaced by the new one, or `-<new>` appended (clouddriver's rule). */
export function renameFor(name: string, from: string, to: string): string {
  return name.includes(from) ? name.split(from).join(to) : `${name}-${to}`;
}

function rewriteDimensions<T extends { Name?: string; Value?: string }>(dims: T[] | undefined, ecsCluster: string, from: string, to: string): T[] | undefined {
  return dims?.map((d) => (d.Name === 'ServiceName' && d.Value === from ? { ...d, Value: to } : d.Name === 'ClusterName' ? { ...d, Value: ecsCluster } : d));
}

/**
 * Copies the source service's scaling policies, their CloudWatch alarms (dimensions rewritten, actions re-pointed at
 * the new policies; `TargetTracking-*` alarms are left to AWS) and its scheduled actions (§4.4, plus what clouddriver
 * does not copy).
 */
export async function copyScaling(
  ctx: EcsContext,
  account: AccountConfig,
  region: string,
  s: { cluster: string; from: string; to: string },
  say: (line: string) => Promise<void>,
): Promise<{ undo: Undo[] }> {
  const call = <T>(svc: string, fn: () => Promise<T>) => callAws(svc, fn, ctx.sleep ? { sleep: ctx.sleep } : {});
  const aas = ctx.deps.aws.client(ApplicationAutoScalingClient, account, region);
  const cw = ctx.deps.aws.client(CloudWatchClient, account, region);
  const fromId = `service/${s.cluster}/${s.from}`;
  const toId = `service/${s.cluster}/${s.to}`;
  const undo: Undo[] = [];

  const policies: ScalingPolicy[] = [];
  let token: string | undefined;
  do {
    const page = await call('application-autoscaling', () =>
      aas.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ResourceId: fromId, ScalableDimension: DIM, ...(token ? { NextToken: token } : {}) })),
    );
    policies.push(...(page.ScalingPolicies ?? []));
    token = page.NextToken;
  } while (token);

  const arnMap = new Map<string, string>();
  const alarmNames = new Set<string>();
  for (const p of policies) {
    const name = renameFor(p.PolicyName ?? 'policy', s.from, s.to);
    const tt = p.TargetTrackingScalingPolicyConfiguration;
    const out = await call('application-autoscaling', () =>
      aas.send(
        new PutScalingPolicyCommand({
          PolicyName: name,
          ServiceNamespace: 'ecs',
          ResourceId: toId,
          ScalableDimension: DIM,
          PolicyType: p.PolicyType,
          ...(p.StepScalingPolicyConfiguration ? { StepScalingPolicyConfiguration: p.StepScalingPolicyConfiguration } : {}),
          ...(tt
            ? {
                TargetTrackingScalingPolicyConfiguration: {
                  ...tt,
                  ...(tt.CustomizedMetricSpecification
                    ? {
                        CustomizedMetricSpecification: {
                          ...tt.CustomizedMetricSpecification,
                          Dimensions:
                            tt.CustomizedMetricSpecification.Namespace === 'AWS/ECS'
                              ? rewriteDimensions(tt.CustomizedMetricSpecification.Dimensions, s.cluster, s.from, s.to)
                              : tt.CustomizedMetricSpecification.Dimensions,
                        },
                      }
                    : {}),
                },
              }
            : {}),
        }),
      ),
    );
    if (p.PolicyARN && out.PolicyARN) arnMap.set(p.PolicyARN, out.PolicyARN);
    undo.push({ what: `scaling policy ${name}`, undo: () => aas.send(new DeleteScalingPolicyCommand({ PolicyName: name, ServiceNamespace: 'ecs', ResourceId: toId, ScalableDimension: DIM })) });
    for (const a of p.Alarms ?? []) if (a.AlarmName && !a.AlarmName.startsWith('TargetTracking-')) alarmNames.add(a.AlarmName);
    await say(`Copied scaling policy ${p.PolicyName} → ${name}.`);
  }

  const names = [...alarmNames];
  const alarms: MetricAlarm[] = [];
  for (let i = 0; i < names.length; i += 100) {
    const page = await call('cloudwatch', () => cw.send(new DescribeAlarmsCommand({ AlarmNames: names.slice(i, i + 100) })));
    alarms.push(...(page.MetricAlarms ?? []));
  }
  const remap = (actions?: string[]) => actions?.map((a) => arnMap.get(a) ?? a);
  for (const a of alarms) {
    const name = renameFor(a.AlarmName!, s.from, s.to);
    await call('cloudwatch', () =>
      cw.send(
        new PutMetricAlarmCommand({
          AlarmName: name,
          ...(a.AlarmDescription ? { AlarmDescription: a.AlarmDescription } : {}),
          ActionsEnabled: a.ActionsEnabled,
          AlarmActions: remap(a.AlarmActions),
          OKActions: remap(a.OKActions),
          InsufficientDataActions: remap(a.InsufficientDataActions),
          MetricName: a.MetricName,
          Namespace: a.Namespace,
          Statistic: a.Statistic,
          ...(a.ExtendedStatistic ? { ExtendedStatistic: a.ExtendedStatistic } : {}),
          Dimensions: a.Namespace === 'AWS/ECS' ? rewriteDimensions(a.Dimensions, s.cluster, s.from, s.to) : a.Dimensions,
          Period: a.Period,
          EvaluationPeriods: a.EvaluationPeriods,
          ...(a.DatapointsToAlarm !== undefined ? { DatapointsToAlarm: a.DatapointsToAlarm } : {}),
          Threshold: a.Threshold,
          ComparisonOperator: a.ComparisonOperator,
          ...(a.TreatMissingData ? { TreatMissingData: a.TreatMissingData } : {}),
          ...(a.Unit ? { Unit: a.Unit } : {}),
          ...(a.Metrics ? { Metrics: a.Metrics } : {}),
        }),
      ),
    );
    undo.push({ what: `alarm ${name}`, undo: () => cw.send(new DeleteAlarmsCommand({ AlarmNames: [name] })) });
    await say(`Copied alarm ${a.AlarmName} → ${name}.`);
  }

  const actions: ScheduledAction[] = [];
  token = undefined;
  do {
    const page = await call('application-autoscaling', () =>
      aas.send(new DescribeScheduledActionsCommand({ ServiceNamespace: 'ecs', ResourceId: fromId, ScalableDimension: DIM, ...(token ? { NextToken: token } : {}) })),
    );
    actions.push(...(page.ScheduledActions ?? []));
    token = page.NextToken;
  } while (token);
  for (const a of actions) {
    const name = renameFor(a.ScheduledActionName!, s.from, s.to);
    await call('application-autoscaling', () =>
      aas.send(
        new PutScheduledActionCommand({
          ServiceNamespace: 'ecs',
          ResourceId: toId,
          ScalableDimension: DIM,
          ScheduledActionName: name,
          Schedule: a.Schedule,
          ...(a.Timezone ? { Timezone: a.Timezone } : {}),
          ...(a.StartTime ? { StartTime: a.StartTime } : {}),
          ...(a.EndTime ? { EndTime: a.EndTime } : {}),
          ...(a.ScalableTargetAction ? { ScalableTargetAction: a.ScalableTargetAction } : {}),
        }),
      ),
    );
    undo.push({
      what: `scheduled action ${name}`,
      undo: () => aas.send(new DeleteScheduledActionCommand({ ServiceNamespace: 'ecs', ResourceId: toId, ScalableDimension: DIM, ScheduledActionName: name })),
    });
    await say(`Copied scheduled action ${a.ScheduledActionName} → ${name}.`);
  }
  if (policies.length + alarms.length + actions.length === 0) await say(`${s.from} has no scaling policies, alarms or scheduled actions to copy.`);
  return { undo };
}

/** Target-tracking policies defined from scratch in the description (outrigger extension). */
export async function createScalingPolicies(
  ctx: EcsContext,
  account: AccountConfig,
  region: string,
  s: {
    cluster: string;
    service: string;
    policies: { name?: string; predefinedMetricType?: string; targetValue: number; scaleInCooldown?: number; scaleOutCooldown?: number; disableScaleIn?: boolean }[];
  },
  say: (line: string) => Promise<void>,
  loadBalancers: { targetGroupArn?: string }[],
): Promise<{ undo: Undo[] }> {
  const call = <T>(svc: string, fn: () => Promise<T>) => callAws(svc, fn, ctx.sleep ? { sleep: ctx.sleep } : {});
  const aas = ctx.deps.aws.client(ApplicationAutoScalingClient, account, region);
  const resourceId = `service/${s.cluster}/${s.service}`;
  const undo: Undo[] = [];
  for (const [i, p] of s.policies.entries()) {
    const type = p.predefinedMetricType ?? 'ECSServiceAverageCPUUtilization';
    let resourceLabel: string | undefined;
    if (type === 'ALBRequestCountPerTarget') {
      const tgArn = loadBalancers[0]?.targetGroupArn;
      if (!tgArn) throw new Error('ALBRequestCountPerTarget needs a target group on the service.');
      const elb = ctx.deps.aws.client(ElasticLoadBalancingV2Client, account, region);
      const tg = await call('elbv2', () => elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [tgArn] })));
      const lbArn = tg.TargetGroups?.[0]?.LoadBalancerArns?.[0];
      if (!lbArn) throw new Error(`Target group ${tgArn} is not attached to a load balancer.`);
      resourceLabel = `${lbArn.split(':loadbalancer/')[1]}/${tgArn.split(':')[5]}`;
    }
    const name = p.name ?? `${s.service}-${type}-${i}`;
    await call('application-autoscaling', () =>
      aas.send(
        new PutScalingPolicyCommand({
          PolicyName: name,
          ServiceNamespace: 'ecs',
          ResourceId: resourceId,
          ScalableDimension: DIM,
          PolicyType: 'TargetTrackingScaling',
          TargetTrackingScalingPolicyConfiguration: {
            TargetValue: p.targetValue,
            PredefinedMetricSpecification: { PredefinedMetricType: type as never, ...(resourceLabel ? { ResourceLabel: resourceLabel } : {}) },
            ...(p.scaleInCooldown !== undefined ? { ScaleInCooldown: p.scaleInCooldown } : {}),
            ...(p.scaleOutCooldown !== undefined ? { ScaleOutCooldown: p.scaleOutCooldown } : {}),
            ...(p.disableScaleIn !== undefined ? { DisableScaleIn: p.disableScaleIn } : {}),
          },
        }),
      ),
    );
    undo.push({ what: `scaling policy ${name}`, undo: () => aas.send(new DeleteScalingPolicyCommand({ PolicyName: name, ServiceNamespace: 'ecs', ResourceId: resourceId, ScalableDimension: DIM })) });
    await say(`Created target-tracking policy ${name} (${type} → ${p.targetValue}).`);
  }
  return { undo };
}
