import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import type { EcsDeployRequest } from '@outrigger/contract';
import { waitUntil, type AccountConfig, type TaskContext } from '@outrigger/runtime';
import { callAws } from '../aws/callAws.js';
import { listClusterServerGroups } from '../aws/serverGroups.js';
import type { EcsContext } from '../EcsContext.js';
import { clusterNameOf } from '../resolve/serverGroupNames.js';
import { createServerGroup } from './EcsCreateServerGroup.js';
import { destroyServerGroup } from './EcsDestroyServerGroup.js';
import { disableServerGroup } from './EcsDisableServerGroup.js';
import { regionOf } from './toResolveInput.js';

/**
 * One-call deploy for a preconfigured webhook stage: create the next server group, wait until it is steady and
 * healthy, then apply the strategy to the older ones (redblack: disable; highlander: destroy; none: leave). If the new
 * one never gets healthy, it is destroyed and the old ones keep serving.
 */
export async function deploy(ctx: EcsContext, d: EcsDeployRequest, account: AccountConfig, task: TaskContext): Promise<Record<string, unknown>> {
  const region = regionOf(d)!;
  const ecsCluster = d.ecsClusterName!;
  const cluster = clusterNameOf(d).cluster!;
  const say = (line: string) => task.updateStatus('DEPLOY', line);
  const ecs = ctx.deps.aws.client(ECSClient, account, region);
  // Recorded before anything changes: a resumed deploy treats the same server groups as "older" (never the one it made).
  const listed = await task.step('serverGroupsBefore', async () => ({
    groups: (await listClusterServerGroups(ecs, ecsCluster, cluster)).filter((g) => g.status === 'ACTIVE').map((g) => ({ name: g.name, desiredCount: g.desiredCount, status: g.status })),
  }));
  const before = listed.groups as { name: string; desiredCount: number; status: string }[];
  const source = [...before].reverse().find((g) => g.desiredCount > 0);
  const created = await createServerGroup(
    ctx,
    { ...d, ...(source && !d.source ? { source: { account: account.name, region, asgName: source.name, useSourceCapacity: false } } : {}) },
    account,
    task,
  );
  const name = created.serverGroupName;

  const cfg = ctx.config.deploy;
  try {
    await say(`Waiting for ${name} to be steady and healthy.`);
    await waitUntil(
      `${name} steady and healthy`,
      async () => {
        const res = await callAws('ecs', () => ecs.send(new DescribeServicesCommand({ cluster: ecsCluster, services: [name] })), ctx.sleep ? { sleep: ctx.sleep } : {});
        const s = res.services?.[0];
        if (!s) return { state: 'FAILURE', reason: 'the service disappeared' };
        const primary = s.deployments?.find((x) => x.status === 'PRIMARY');
        if (primary?.rolloutState === 'FAILED') return { state: 'FAILURE', reason: primary.rolloutStateReason ?? 'the deployment failed' };
        const steady = (s.deployments?.length ?? 0) === 1 && (primary?.rolloutState === undefined || primary.rolloutState === 'COMPLETED');
        if (steady && (s.runningCount ?? 0) === (s.desiredCount ?? 0)) return { state: 'SUCCESS', value: s };
        return { state: 'RETRY', reason: `${s.runningCount ?? 0}/${s.desiredCount ?? 0} running, rollout ${primary?.rolloutState ?? 'unknown'}` };
      },
      {
        minDelayMs: cfg.pollMinMs,
        maxDelayMs: cfg.pollMaxMs,
        maxWaitMs: (d.maxWaitSeconds ?? cfg.maxWaitSeconds) * 1000,
        signal: task.signal,
        ...(ctx.sleep ? { sleep: ctx.sleep } : {}),
        ...(ctx.now ? { now: ctx.now } : {}),
      },
    );
    await say(`${name} is steady and healthy.`);
  } catch (err) {
    await say(`${name} did not become healthy (${(err as Error).message}); rolling back.`);
    try {
      await destroyServerGroup(ctx, account, { region, ecsClusterName: ecsCluster, serverGroupName: name }, task);
      await say(`Rolled back: ${name} was destroyed; ${before.filter((g) => g.desiredCount > 0).map((g) => g.name).join(', ') || 'no older server group'} kept serving.`);
    } catch (undoErr) {
      await say(`Rollback could not destroy ${name} (${(undoErr as Error).message}); it remains and must be removed by hand. Older server groups were not touched.`);
    }
    throw err;
  }

  const olderEnabled = before.filter((g) => g.name !== name);
  const ref = (g: { name: string }) => ({ region, ecsClusterName: ecsCluster, serverGroupName: g.name });
  try {
    if (d.strategy === 'redblack') {
      for (const g of olderEnabled.filter((x) => x.desiredCount > 0)) await disableServerGroup(ctx, account, ref(g), task);
      if (d.scaleDownOldServerGroups) for (const g of olderEnabled) await destroyServerGroup(ctx, account, ref(g), task);
    } else if (d.strategy === 'highlander') {
      for (const g of olderEnabled) await destroyServerGroup(ctx, account, ref(g), task);
    }
  } catch (err) {
    await say(`${name} is deployed and serving, but the ${d.strategy} clean-up of older server groups stopped; check ${olderEnabled.map((g) => g.name).join(', ')}.`);
    throw err;
  }
  await say(`Deployed ${name} with strategy ${d.strategy}.`);
  return { ...created, strategy: d.strategy, previousServerGroups: olderEnabled.map((g) => g.name) };
}
