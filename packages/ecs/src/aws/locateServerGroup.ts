import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand, RegisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import { DescribeServicesCommand, ECSClient, ListClustersCommand, type Service } from '@aws-sdk/client-ecs';
import type { EcsServerGroupRef } from '@outrigger/contract';
import { InputError, NotFoundError, type AccountConfig } from '@outrigger/runtime';
import type { EcsContext } from '../EcsContext.js';
import { callAws } from './callAws.js';

export const DIM = 'ecs:service:DesiredCount';
/** Where disable keeps the desired count, so enable can restore it (clouddriver restores the scalable-target max). */
export const DISABLED_DESIRED_TAG = 'outrigger.io/disabled-desired-count';

export function serverGroupNameOf(d: EcsServerGroupRef): string {
  const name = d.serverGroupName ?? d.asgName;
  if (!name) throw new InputError('serverGroupName is required.', { errors: [{ field: '$.body.serverGroupName', message: 'not.nullable' }] });
  return name;
}

export interface Located {
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

export async function setSuspended(l: Located, suspended: boolean): Promise<boolean> {
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

