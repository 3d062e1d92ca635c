import { TagResourceCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import type { EcsServerGroupRef } from '@outrigger/contract';
import type { AccountConfig, TaskContext } from '@outrigger/runtime';
import type { EcsContext } from '../EcsContext.js';
import { DISABLED_DESIRED_TAG, locateServerGroup, setSuspended } from '../aws/locateServerGroup.js';

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
