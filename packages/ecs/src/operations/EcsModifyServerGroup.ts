import {
  ApplicationAutoScalingClient,
  DeleteScalingPolicyCommand,
  DeleteScheduledActionCommand,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  DescribeScheduledActionsCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, DeleteAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  DeleteServiceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeServicesCommand,
  ECSClient,
  ListClustersCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateServiceCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import type { EcsResizeDescription, EcsServerGroupRef } from '@outrigger/contract';
import { InputError, NotFoundError, type AccountConfig, type TaskContext } from '@outrigger/runtime';
import { callAws } from '../aws/callAws.js';
import type { EcsContext } from '../EcsContext.js';

const DIM = 'ecs:service:DesiredCount';
/** Where disable keeps the desired count, so enable can restore it (clouddriver restores the scalable-target max). */
export const DISABLED_DESIRED_TAG = 'outrigger.io/disabled-desired-count';

export function serverGroupNameOf(d: EcsServerGroupRef): string {
  const name = d.serverGroupName ?? d.asgName;
  if (!name) throw new InputError('serverGroupName is required.', { errors: [{ field: '$.body.serverGroupName', message: 'not.nullable' }] });
  return name;
}

interface Located {
  ecs: ECSClient;
  aas: ApplicationAutoScalingClient;
  cluster: string;
  service: Service;
  resourceId: string;
  call: <T>(svc: string, fn: () => Promise<T>) => Promise<T>;
}

/** The service of a server group, in `ecsClusterName` or (like clouddriver's cache lookup) in any cluster of the region. */
export async function locateServerGroup(ctx: EcsContext, account: AccountConfig, d: EcsServerGroupRef): Promise<Located> {
  const call = <T>(svc: string, fn: () => Promise<T>) => callAws(svc, fn, ctx.sleep ? { sleep: ctx.sleep } : {});
  const name = serverGroupNameOf(d);
  const ecs = ctx.deps.aws.client(ECSClient, account, d.region);
  const aas = ctx.deps.aws.client(ApplicationAutoScalingClient, account, d.region);
  let clusters = d.ecsClusterName ? [d.ecsClusterName] : [];
  if (!d.ecsClusterName) {
    let token: string | undefined;
    do {
      const page = await call('ecs', () => ecs.send(new ListClustersCommand({ ...(token ? { nextToken: token } : {}) })));
      clusters.push(...(page.clusterArns ?? []));
      token = page.nextToken;
    } while (token);
    clusters = clusters.map((arn) => arn.slice(arn.lastIndexOf('/') + 1));
  }
  for (const cluster of clusters) {
    const res = await call('ecs', () => ecs.send(new DescribeServicesCommand({ cluster, services: [name], include: ['TAGS'] })));
    const s = res.services?.find((x) => x.status === 'ACTIVE');
    if (s) return { ecs, aas, cluster, service: s, resourceId: `service/${cluster}/${name}`, call };
  }
  throw new NotFoundError(`Server group ${name} was not found in ${d.ecsClusterName ?? 'any ECS cluster'} (${account.name}, ${d.region}).`);
}

async function setSuspended(l: Located, suspended: boolean): Promise<boolean> {
  const t = await l.call('application-autoscaling', () =>
    l.aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [l.resourceId], ScalableDimension: DIM })),
  );
  if (!t.ScalableTargets?.length) return false;
  await l.call('application-autoscaling', () =>
    l.aas.send(
      new RegisterScalableTargetCommand({
        ServiceNamespace: 'ecs',
        ResourceId: l.resourceId,
        ScalableDimension: DIM,
        SuspendedState: { DynamicScalingInSuspended: suspended, DynamicScalingOutSuspended: suspended, ScheduledScalingSuspended: suspended },
      }),
    ),
  );
  return true;
}

/** clouddriver disable: suspend scaling, then desired 0 (ECS drains the target groups); the old desired count is kept in a tag. */
export async function disableServerGroup(ctx: EcsContext, account: AccountConfig, d: EcsServerGroupRef, task: TaskContext): Promise<Record<string, unknown>> {
  const l = await locateServerGroup(ctx, account, d);
  const name = l.service.serviceName!;
  const desired = l.service.desiredCount ?? 0;
  const suspended = await setSuspended(l, true);
  if (suspended) await task.updateStatus('DISABLE', `Suspended scaling of ${name}.`);
  try {
    if (desired > 0) {
      await l.call('ecs', () => l.ecs.send(new TagResourceCommand({ resourceArn: l.service.serviceArn!, tags: [{ key: DISABLED_DESIRED_TAG, value: String(desired) }] })));
    }
    await l.call('ecs', () => l.ecs.send(new UpdateServiceCommand({ cluster: l.cluster, service: name, desiredCount: 0 })));
  } catch (err) {
    await task.updateStatus(
      'DISABLE',
      `Disable of ${name} stopped: the service still runs with desired count ${desired}${suspended ? '; its scaling remains suspended (enableServerGroup resumes it)' : ''}.`,
    );
    throw err;
  }
  await task.updateStatus('DISABLE', `Disabled ${name}: desired count ${desired} → 0.`);
  return { serverGroupName: name, region: d.region, previousDesiredCount: desired };
}

/** Enable: restore the desired count from before the disable (else the scalable-target max, else 1), then resume scaling. */
export async function enableServerGroup(ctx: EcsContext, account: AccountConfig, d: EcsServerGroupRef, task: TaskContext): Promise<Record<string, unknown>> {
  const l = await locateServerGroup(ctx, account, d);
  const name = l.service.serviceName!;
  const tags = await l.call('ecs', () => l.ecs.send(new ListTagsForResourceCommand({ resourceArn: l.service.serviceArn! })));
  const saved = tags.tags?.find((t) => t.key === DISABLED_DESIRED_TAG)?.value;
  let desired = saved !== undefined ? Number(saved) : NaN;
  let from = 'the count before it was disabled';
  if (!Number.isFinite(desired)) {
    const t = await l.call('application-autoscaling', () =>
      l.aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [l.resourceId], ScalableDimension: DIM })),
    );
    desired = t.ScalableTargets?.[0]?.MaxCapacity ?? 1;
    from = t.ScalableTargets?.length ? 'the scalable-target max' : 'the default';
  }
  if ((l.service.desiredCount ?? 0) > 0 && saved === undefined) {
    desired = l.service.desiredCount!;
    from = 'the current count (already enabled)';
  }
  await l.call('ecs', () => l.ecs.send(new UpdateServiceCommand({ cluster: l.cluster, service: name, desiredCount: desired })));
  if (saved !== undefined) await l.call('ecs', () => l.ecs.send(new UntagResourceCommand({ resourceArn: l.service.serviceArn!, tagKeys: [DISABLED_DESIRED_TAG] })));
  if (await setSuspended(l, false)) await task.updateStatus('ENABLE', `Resumed scaling of ${name}.`);
  await task.updateStatus('ENABLE', `Enabled ${name}: desired count ${desired} (${from}).`);
  return { serverGroupName: name, region: d.region, desiredCount: desired };
}

/** Resize: desired count on the service, min/max on the scalable target. */
export async function resizeServerGroup(ctx: EcsContext, account: AccountConfig, d: EcsResizeDescription, task: TaskContext): Promise<Record<string, unknown>> {
  const { min, max, desired } = d.capacity;
  if (min > max || desired < min || desired > max) {
    throw new InputError('capacity must satisfy min ≤ desired ≤ max.', { errors: [{ field: '$.body.capacity', message: 'invalid' }] });
  }
  const l = await locateServerGroup(ctx, account, d);
  const name = l.service.serviceName!;
  await l.call('application-autoscaling', () =>
    l.aas.send(new RegisterScalableTargetCommand({ ServiceNamespace: 'ecs', ResourceId: l.resourceId, ScalableDimension: DIM, MinCapacity: min, MaxCapacity: max })),
  );
  await l.call('ecs', () => l.ecs.send(new UpdateServiceCommand({ cluster: l.cluster, service: name, desiredCount: desired })));
  await task.updateStatus('RESIZE', `Resized ${name} to min ${min}, max ${max}, desired ${desired}.`);
  return { serverGroupName: name, region: d.region, capacity: d.capacity };
}

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
