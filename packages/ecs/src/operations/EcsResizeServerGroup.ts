import { RegisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import type { EcsResizeDescription } from '@outrigger/contract';
import { InputError, type AccountConfig, type TaskContext } from '@outrigger/runtime';
import type { EcsContext } from '../EcsContext.js';
import { DIM, locateServerGroup } from '../aws/locateServerGroup.js';

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
