import { DescribeServicesCommand, ListServicesCommand, type ECSClient, type Service } from '@aws-sdk/client-ecs';
import { ConflictError, mapAwsError } from '@outrigger/runtime';
import { nextSequenceCandidates, sequenceOf, serverGroupName } from '../resolve/serverGroupNames.js';

export interface ClusterServerGroup {
  name: string;
  sequence: number;
  status: string;
  desiredCount: number;
  runningCount: number;
  taskDefinition?: string;
  createdAt?: Date;
  service: Service;
}

const nameOfArn = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

/** Every `vNNN` service of a Spinnaker cluster in one ECS cluster (ListServices, then DescribeServices by 10). */
export async function listClusterServerGroups(ecs: ECSClient, ecsCluster: string, cluster: string): Promise<ClusterServerGroup[]> {
  try {
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await ecs.send(new ListServicesCommand({ cluster: ecsCluster, ...(nextToken ? { nextToken } : {}), maxResults: 100 }));
      for (const arn of page.serviceArns ?? []) {
        const n = nameOfArn(arn);
        if (sequenceOf(cluster, n) !== undefined) names.push(n);
      }
      nextToken = page.nextToken;
    } while (nextToken);
    const out: ClusterServerGroup[] = [];
    for (let i = 0; i < names.length; i += 10) {
      const res = await ecs.send(new DescribeServicesCommand({ cluster: ecsCluster, services: names.slice(i, i + 10), include: ['TAGS'] }));
      for (const s of res.services ?? []) {
        const name = s.serviceName ?? '';
        out.push({
          name,
          sequence: sequenceOf(cluster, name) ?? -1,
          status: s.status ?? 'UNKNOWN',
          desiredCount: s.desiredCount ?? 0,
          runningCount: s.runningCount ?? 0,
          ...(s.taskDefinition ? { taskDefinition: s.taskDefinition } : {}),
          ...(s.createdAt ? { createdAt: s.createdAt } : {}),
          service: s,
        });
      }
    }
    return out.sort((a, b) => a.sequence - b.sequence);
  } catch (err) {
    throw mapAwsError(err, 'ecs');
  }
}

/** The cluster's current server group: the newest ACTIVE one that is enabled (desired > 0), else the newest ACTIVE. */
export function currentServerGroup(groups: ClusterServerGroup[]): ClusterServerGroup | undefined {
  const active = groups.filter((g) => g.status === 'ACTIVE');
  const byNewest = [...active].sort((a, b) => (b.createdAt?.getTime() ?? b.sequence) - (a.createdAt?.getTime() ?? a.sequence));
  return byNewest.find((g) => g.desiredCount > 0) ?? byNewest[0];
}

/**
 * The next free `vNNN` name: up to five candidates after the highest used sequence, each accepted only if
 * DescribeServices finds no service of that name or an INACTIVE one (a DRAINING name is skipped, clouddriver #5476).
 */
export async function nextServerGroupName(ecs: ECSClient, ecsCluster: string, cluster: string, groups: ClusterServerGroup[]): Promise<string> {
  for (const seq of nextSequenceCandidates(groups.map((g) => g.sequence))) {
    const name = serverGroupName(cluster, seq);
    try {
      const res = await ecs.send(new DescribeServicesCommand({ cluster: ecsCluster, services: [name] }));
      const s = res.services?.[0];
      if (!s || s.status === 'INACTIVE') return name;
    } catch (err) {
      throw mapAwsError(err, 'ecs');
    }
  }
  throw new ConflictError(`All server group names for cluster ${cluster} in ${ecsCluster} are taken.`);
}
