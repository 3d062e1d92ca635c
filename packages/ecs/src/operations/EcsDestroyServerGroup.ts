import {
  DeleteScalingPolicyCommand,
  DeleteScheduledActionCommand,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  DescribeScheduledActionsCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, DeleteAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DeleteServiceCommand, DeregisterTaskDefinitionCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import type { EcsServerGroupRef } from '@outrigger/contract';
import type { AccountConfig, TaskContext } from '@outrigger/runtime';
import type { EcsContext } from '../EcsContext.js';
import { DIM, locateServerGroup, type Located } from '../aws/locateServerGroup.js';

/** Destroy: alarms and scaling, desired 0, delete the service, deregister its task definition revision. */
export async function destroyServerGroup(ctx: EcsContext, account: AccountConfig, d: EcsServerGroupRef, task: TaskContext): Promise<Record<string, unknown>> {
  const l = await locateServerGroup(ctx, account, d);
  const name = l.service.serviceName!;
  const say = (line: string) => task.updateStatus('DESTROY', line);
  let step = 'deleting alarms and scaling';
  try {
    await destroySteps(ctx, account, d, l, name, say, (s) => (step = s));
  } catch (err) {
    const remains = ['deleting alarms and scaling', 'deleting the service'].includes(step)
      ? `service ${name}${l.service.taskDefinition ? ` and task definition ${l.service.taskDefinition}` : ''}`
      : `task definition ${l.service.taskDefinition}`;
    await say(`Destroy of ${name} stopped while ${step}; still in place: ${remains}. Re-run destroyServerGroup to finish.`);
    throw err;
  }
  return { serverGroupName: name, region: d.region };
}

async function destroySteps(
  ctx: EcsContext,
  account: AccountConfig,
  d: EcsServerGroupRef,
  l: Located,
  name: string,
  say: (line: string) => Promise<void>,
  stepIs: (s: string) => void,
): Promise<void> {
  const policies = await l.call('application-autoscaling', () =>
    l.aas.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ResourceId: l.resourceId, ScalableDimension: DIM })),
  );
  const alarms = (policies.ScalingPolicies ?? []).flatMap((p) => (p.Alarms ?? []).map((a) => a.AlarmName!)).filter((a) => a && !a.startsWith('TargetTracking-'));
  if (alarms.length) {
    const cw = ctx.deps.aws.client(CloudWatchClient, account, d.region);
    await l.call('cloudwatch', () => cw.send(new DeleteAlarmsCommand({ AlarmNames: alarms })));
    await say(`Deleted alarms ${alarms.join(', ')}.`);
  }
  for (const p of policies.ScalingPolicies ?? []) {
    await l.call('application-autoscaling', () =>
      l.aas.send(new DeleteScalingPolicyCommand({ PolicyName: p.PolicyName!, ServiceNamespace: 'ecs', ResourceId: l.resourceId, ScalableDimension: DIM })),
    );
  }
  const scheduled = await l.call('application-autoscaling', () =>
    l.aas.send(new DescribeScheduledActionsCommand({ ServiceNamespace: 'ecs', ResourceId: l.resourceId, ScalableDimension: DIM })),
  );
  for (const a of scheduled.ScheduledActions ?? []) {
    await l.call('application-autoscaling', () =>
      l.aas.send(new DeleteScheduledActionCommand({ ServiceNamespace: 'ecs', ResourceId: l.resourceId, ScalableDimension: DIM, ScheduledActionName: a.ScheduledActionName! })),
    );
  }
  const t = await l.call('application-autoscaling', () =>
    l.aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [l.resourceId], ScalableDimension: DIM })),
  );
  if (t.ScalableTargets?.length) {
    await l.call('application-autoscaling', () => l.aas.send(new DeregisterScalableTargetCommand({ ServiceNamespace: 'ecs', ResourceId: l.resourceId, ScalableDimension: DIM })));
    await say(`Deregistered scalable target ${l.resourceId}.`);
  }
  stepIs('deleting the service');
  await l.call('ecs', () => l.ecs.send(new UpdateServiceCommand({ cluster: l.cluster, service: name, desiredCount: 0 })));
  await l.call('ecs', () => l.ecs.send(new DeleteServiceCommand({ cluster: l.cluster, service: name })));
  await say(`Deleted service ${name}.`);
  stepIs('deregistering the task definition');
  if (l.service.taskDefinition) {
    await l.call('ecs', () => l.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: l.service.taskDefinition! })));
    await say(`Deregistered task definition ${l.service.taskDefinition}.`);
  }
}
