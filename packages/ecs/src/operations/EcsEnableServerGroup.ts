import { DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import { ListTagsForResourceCommand, UntagResourceCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import type { EcsServerGroupRef } from '@outrigger/contract';
import type { AccountConfig, TaskContext } from '@outrigger/runtime';
import type { EcsContext } from '../EcsContext.js';
import { DIM, DISABLED_DESIRED_TAG, locateServerGroup, setSuspended } from '../aws/locateServerGroup.js';

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
