import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type CreateServiceCommandInput,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  ApplicationAutoScalingClient,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { GetServiceCommand, ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import type { EcsDeploymentFields, EcsRenderRequest } from '@outrigger/contract';
import { InputError, type AccountConfig, type TaskContext } from '@outrigger/runtime';
import { callAws } from '../aws/callAws.js';
import { resolveSecurityGroups, resolveSubnets, vpcsOfSubnets } from '../aws/resolveNetwork.js';
import { copyScaling, createScalingPolicies } from '../aws/copyScaling.js';
import type { EcsContext } from '../EcsContext.js';
import { clusterNameOf } from '../resolve/serverGroupNames.js';
import { isInputsMode, withInputsDefaults } from '../resolve/taskDefinitionFromInputs.js';
import { failOnFindings, renderForDescription } from './RenderEcsTaskDefinition.js';
import { regionOf } from './toResolveInput.js';

export const PHASE = 'DEPLOY';

/** clouddriver's EcsCreateServerGroupDescriptionValidator rules (§1.2), as one 400 listing every bad field. */
export function validateCreateDescription(d: EcsDeploymentFields): void {
  const errors: { field: string; message: string }[] = [];
  const e = (field: string, message: string) => errors.push({ field: `$.body.${field}`, message });
  if (!d.credentials && !d.account) e('credentials', 'not.nullable');
  const regions = Object.keys(d.availabilityZones ?? {});
  if (regions.length > 1) e('availabilityZones', 'must.have.only.one');
  if (regions.length === 0 && !d.region) e('availabilityZones', 'not.nullable');
  if (!d.ecsClusterName) e('ecsClusterName', 'not.nullable');
  if (!d.capacity) e('capacity', 'not.nullable');
  else {
    if (d.capacity.min > d.capacity.max) e('capacity.min', 'exceeds.max');
    if (d.capacity.desired > d.capacity.max) e('capacity.desired', 'exceeds.max');
    if (d.capacity.desired < d.capacity.min) e('capacity.desired', 'less.than.min');
  }
  if (d.launchType && d.capacityProviderStrategy?.length) e('launchType', 'invalid: launchType and capacityProviderStrategy are mutually exclusive');
  if (!clusterNameOf(d).cluster) e('application', 'not.nullable (or moniker.app)');
  if (d.subnetType && d.subnetTypes?.length) e('subnetTypes', 'invalid: subnetType and subnetTypes may not both be set');
  if (d.targetGroup && d.targetGroupMappings?.length) e('targetGroup', 'invalid: targetGroup and targetGroupMappings may not both be set');
  // Inputs mode (clouddriver's EcsCreateServerGroupDescriptionValidator, useTaskDefinitionArtifact false): the one
  // container is built from dockerImageAddress, so mappings need no container name; Fargate needs task cpu/memory.
  const inputs = isInputsMode(d);
  if (inputs) {
    if (!d.dockerImageAddress) e('dockerImageAddress', 'not.nullable (inputs mode: useTaskDefinitionArtifact is false)');
    if (d.launchType === 'FARGATE' && !d.computeUnits) e('computeUnits', 'not.nullable (Fargate needs task-level cpu)');
    if (d.launchType === 'FARGATE' && !d.reservedMemory) e('reservedMemory', 'not.nullable (Fargate needs task-level memory)');
  }
  (d.targetGroupMappings ?? []).forEach((m, i) => {
    if (!m.containerName && !inputs) e(`targetGroupMappings[${i}].containerName`, 'not.nullable');
    if (m.containerPort === undefined) e(`targetGroupMappings[${i}].containerPort`, 'not.nullable');
  });
  if (d.targetGroup && !d.loadBalancedContainer && !inputs) e('loadBalancedContainer', 'not.nullable');
  if (errors.length) throw new InputError('Validation Failed', { errors });
}

export interface CreateResult extends Record<string, unknown> {
  serverGroupName: string;
  region: string;
  taskDefinitionArn: string;
  serviceArn: string;
}

/**
 * clouddriver's createServerGroup (§4.3): resolve and register the task definition, pick the next `vNNN` name,
 * create the service, register the scalable target and carry over scaling. If a step fails, what was created is
 * removed again, and the task history says what was cleaned up and what (if anything) remains.
 */
export async function createServerGroup(ctx: EcsContext, d: EcsRenderRequest, account: AccountConfig, task: TaskContext): Promise<CreateResult> {
  if (isInputsMode(d)) d = withInputsDefaults(d);
  // Resume (POST /task/{id}:resume): the server group name chosen before the interruption is kept, so a create that
  // already made web-prod-v003 goes on with v003 and never makes v004.
  // A name whose service a clean-up removed after a failure (`released`) is not reused: ECS cannot re-create a
  // service while it drains, so that resume takes the next name.
  const last = task.journal.findLast((s) => s.name === 'serverGroupName')?.effect;
  const journaled = last && !last.released ? last.name : undefined;
  if (typeof journaled === 'string') d = { ...d, serverGroupName: journaled };
  const say = (line: string) => task.updateStatus(PHASE, line);
  const call = <T>(service: string, fn: () => Promise<T>) => callAws(service, fn, ctx.sleep ? { sleep: ctx.sleep } : {});
  const region = regionOf(d)!;
  const ecsCluster = d.ecsClusterName!;
  const ecs = ctx.deps.aws.client(ECSClient, account, region);
  const scaling = ctx.deps.aws.client(ApplicationAutoScalingClient, account, region);
  const created: { what: string; undo: () => Promise<unknown> }[] = [];

  try {
    await say(`Resolving the task definition for cluster ${clusterNameOf(d).cluster} in ${ecsCluster} (${region}).`);
    const r = await renderForDescription(ctx, { ...d, region }, account, { lookup: true });
    for (const f of r.findings) await say(`${f.severity === 'error' ? 'Error' : 'Warning'} ${f.code} at ${f.in}#${f.pointer || '/'}: ${f.message}`);
    failOnFindings(r.findings);
    const name = r.serverGroupName!;
    const td = r.taskDefinition!;
    // Recorded before anything is created: the next step never starts before the name is stored.
    if (typeof journaled === 'string') await task.step('serverGroupName', async () => ({ name }));
    else await task.record('serverGroupName', { name });
    await say(`Server group name: ${name}${typeof journaled === 'string' ? ' (kept from before the interruption)' : ''}.`);

    const source = d.source?.asgName;
    let desired = d.capacity!.desired;
    let min = d.capacity!.min;
    let max = d.capacity!.max;
    if (source && d.source?.useSourceCapacity) {
      const s = await call('ecs', () => ecs.send(new DescribeServicesCommand({ cluster: ecsCluster, services: [source] })));
      const t = await call('application-autoscaling', () =>
        scaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [`service/${ecsCluster}/${source}`] })),
      );
      desired = s.services?.[0]?.desiredCount ?? desired;
      min = t.ScalableTargets?.[0]?.MinCapacity ?? min;
      max = t.ScalableTargets?.[0]?.MaxCapacity ?? max;
      await say(`Using the capacity of ${source}: min ${min}, max ${max}, desired ${desired}.`);
    }

    const reg = await call('ecs', () => ecs.send(new RegisterTaskDefinitionCommand(td as unknown as RegisterTaskDefinitionCommandInput)));
    const taskDefinitionArn = reg.taskDefinition?.taskDefinitionArn ?? '';
    created.push({ what: `task definition ${taskDefinitionArn}`, undo: () => ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: taskDefinitionArn })) });
    await say(`Registered task definition ${taskDefinitionArn}.`);

    const loadBalancers: NonNullable<CreateServiceCommandInput['loadBalancers']> = [];
    const mappings = [
      ...(d.targetGroupMappings ?? []),
      ...(d.targetGroup ? [{ containerName: d.loadBalancedContainer ?? '', containerPort: d.containerPort, targetGroup: d.targetGroup }] : []),
    ];
    if (mappings.length) {
      const elb = ctx.deps.aws.client(ElasticLoadBalancingV2Client, account, region);
      for (const m of mappings) {
        let arn = m.targetGroup;
        if (!arn.startsWith('arn:')) {
          const tg = await call('elbv2', () => elb.send(new DescribeTargetGroupsCommand({ Names: [m.targetGroup] })));
          arn = tg.TargetGroups?.[0]?.TargetGroupArn ?? '';
          if (!arn) throw new InputError(`Target group ${m.targetGroup} was not found in ${region}.`);
        }
        loadBalancers.push({ targetGroupArn: arn, containerName: m.containerName, containerPort: m.containerPort });
      }
      await say(`Target groups: ${loadBalancers.map((l) => `${l.targetGroupArn} → ${l.containerName}:${l.containerPort}`).join(', ')}.`);
    }

    const serviceRegistries: NonNullable<CreateServiceCommandInput['serviceRegistries']> = [];
    for (const a of d.serviceDiscoveryAssociations ?? []) {
      let arn = a.registry.arn;
      if (!arn && a.registry.id) {
        const sd = ctx.deps.aws.client(ServiceDiscoveryClient, account, region);
        arn = (await call('servicediscovery', () => sd.send(new GetServiceCommand({ Id: a.registry.id! })))).Service?.Arn;
      }
      if (!arn) throw new InputError('A serviceDiscoveryAssociations registry needs arn or id.', { errors: [{ field: '$.body.serviceDiscoveryAssociations', message: 'registry.arn or registry.id required' }] });
      serviceRegistries.push({
        registryArn: arn,
        ...(a.containerPort ? { containerPort: a.containerPort, containerName: a.containerName ?? name } : {}),
      });
    }

    const awsvpc = td.networkMode === 'awsvpc';
    let subnets = d.subnetIds ?? [];
    let securityGroups = d.securityGroupIds ?? [];
    if (awsvpc) {
      const types = d.subnetTypes?.length ? d.subnetTypes : d.subnetType ? [d.subnetType] : [];
      // The EC2 client is large: load it when a bake or deploy first needs it, not at start-up.
      const { EC2Client } = await import('@aws-sdk/client-ec2');
      const ec2 = ctx.deps.aws.client(EC2Client, account, region);
      const o = ctx.sleep ? { sleep: ctx.sleep } : {};
      let vpcIds: string[] = [];
      if (!subnets.length && types.length) {
        ({ subnetIds: subnets, vpcIds } = await resolveSubnets(ec2, types, d.availabilityZones?.[region] ?? [], o));
        await say(`Subnets for ${types.join(', ')}: ${subnets.join(', ')}.`);
      }
      if (!subnets.length) {
        throw new InputError('awsvpc needs subnets: give subnetTypes (or subnetIds).', { errors: [{ field: '$.body.subnetTypes', message: 'required for awsvpc' }] });
      }
      if (d.securityGroupNames?.length) {
        if (!vpcIds.length) vpcIds = await vpcsOfSubnets(ec2, subnets, o);
        securityGroups = [...securityGroups, ...(await resolveSecurityGroups(ec2, d.securityGroupNames, vpcIds, o))];
        await say(`Security groups: ${securityGroups.join(', ')}.`);
      }
    }
    const tags = [
      ...Object.entries(d.tags ?? {}).map(([key, value]) => ({ key, value })),
      { key: 'moniker.spinnaker.io/application', value: clusterNameOf(d).app ?? '' },
      { key: 'moniker.spinnaker.io/cluster', value: clusterNameOf(d).cluster ?? '' },
      ...(clusterNameOf(d).stack ? [{ key: 'moniker.spinnaker.io/stack', value: clusterNameOf(d).stack! }] : []),
      ...(clusterNameOf(d).detail ? [{ key: 'moniker.spinnaker.io/detail', value: clusterNameOf(d).detail! }] : []),
      { key: 'moniker.spinnaker.io/sequence', value: String(Number(name.slice(-3))) },
    ];
    const input: CreateServiceCommandInput = {
      cluster: ecsCluster,
      serviceName: name,
      taskDefinition: taskDefinitionArn,
      desiredCount: desired,
      ...(d.launchType ? { launchType: d.launchType } : {}),
      ...(d.capacityProviderStrategy?.length ? { capacityProviderStrategy: d.capacityProviderStrategy } : {}),
      ...(d.platformVersion ? { platformVersion: d.platformVersion } : {}),
      ...(awsvpc
        ? {
            networkConfiguration: {
              awsvpcConfiguration: {
                subnets,
                ...(securityGroups.length ? { securityGroups } : {}),
                assignPublicIp: d.associatePublicIpAddress ? 'ENABLED' : 'DISABLED',
              },
            },
          }
        : {}),
      ...(loadBalancers.length ? { loadBalancers } : {}),
      ...(serviceRegistries.length ? { serviceRegistries } : {}),
      ...(d.placementConstraints?.length ? { placementConstraints: d.placementConstraints as CreateServiceCommandInput['placementConstraints'] } : {}),
      ...(d.placementStrategySequence?.length ? { placementStrategy: d.placementStrategySequence as CreateServiceCommandInput['placementStrategy'] } : {}),
      ...(d.healthCheckGracePeriodSeconds !== undefined && loadBalancers.length ? { healthCheckGracePeriodSeconds: d.healthCheckGracePeriodSeconds } : {}),
      deploymentConfiguration: {
        minimumHealthyPercent: 100,
        maximumPercent: 200,
        ...(d.enableDeploymentCircuitBreaker !== undefined ? { deploymentCircuitBreaker: { enable: d.enableDeploymentCircuitBreaker, rollback: false } } : {}),
      },
      ...(d.enableExecuteCommand !== undefined ? { enableExecuteCommand: d.enableExecuteCommand } : {}),
      tags,
      enableECSManagedTags: true,
      propagateTags: 'SERVICE',
    };
    // A resumed create finds the service it made before a crash (kill -9 leaves no clean-up) and goes on with it.
    const before = task.resumed ? (await call('ecs', () => ecs.send(new DescribeServicesCommand({ cluster: ecsCluster, services: [name] })))).services?.[0] : undefined;
    const adopt = before && before.status === 'ACTIVE';
    const svc = adopt
      ? await call('ecs', () => ecs.send(new UpdateServiceCommand({ cluster: ecsCluster, service: name, taskDefinition: taskDefinitionArn, desiredCount: desired })))
      : await call('ecs', () => ecs.send(new CreateServiceCommand(input)));
    if (adopt) await say(`Service ${name} was already created before the interruption; continuing with it.`);
    const serviceArn = svc.service?.serviceArn ?? name;
    created.push({
      what: `service ${name}`,
      undo: () => ecs.send(new DeleteServiceCommand({ cluster: ecsCluster, service: name, force: true })),
    });
    await say(`Created service ${name} (desired ${desired}).`);

    const resourceId = `service/${ecsCluster}/${name}`;
    await call('application-autoscaling', () =>
      scaling.send(
        new RegisterScalableTargetCommand({
          ServiceNamespace: 'ecs',
          ResourceId: resourceId,
          ScalableDimension: 'ecs:service:DesiredCount',
          MinCapacity: min,
          MaxCapacity: max,
          SuspendedState: { DynamicScalingInSuspended: false, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false },
        }),
      ),
    );
    created.push({
      what: `scalable target ${resourceId}`,
      undo: () => scaling.send(new DeregisterScalableTargetCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId, ScalableDimension: 'ecs:service:DesiredCount' })),
    });
    await say(`Registered scalable target ${resourceId} (min ${min}, max ${max}).`);

    if (source && d.copySourceScalingPoliciesAndActions !== false) {
      const copied = await copyScaling(ctx, account, region, { cluster: ecsCluster, from: source, to: name }, (line) => say(line));
      created.push(...copied.undo);
    }
    if (d.scalingPolicies?.length) {
      const made = await createScalingPolicies(ctx, account, region, { cluster: ecsCluster, service: name, policies: d.scalingPolicies }, (line) => say(line), loadBalancers);
      created.push(...made.undo);
    }

    return {
      serverGroupName: name,
      region,
      taskDefinitionArn,
      serviceArn,
      serverGroupNames: [`${region}:${name}`],
      serverGroupNameByRegion: { [region]: [name] },
      report: r.report as unknown as Record<string, unknown>[],
      images: r.images as unknown as Record<string, unknown>[],
    };
  } catch (err) {
    await undoCreated(created, say);
    if (created.some((c) => c.what.startsWith('service '))) {
      const made = created.find((c) => c.what.startsWith('service '))!.what.slice('service '.length);
      await task.record('serverGroupName', { name: made, released: true });
    }
    throw err;
  }
}

/** Removes what a failed operation created, newest first; every step (and anything that stays) gets a history line. */
export async function undoCreated(created: { what: string; undo: () => Promise<unknown> }[], say: (line: string) => Promise<void>): Promise<void> {
  if (created.length === 0) return;
  const remains: string[] = [];
  for (const c of [...created].reverse()) {
    try {
      await c.undo();
      await say(`Cleaned up after the failure: removed ${c.what}.`);
    } catch (err) {
      remains.push(c.what);
      await say(`Could not remove ${c.what}: ${(err as Error).message}`);
    }
  }
  if (remains.length) await say(`Left in place after the failure (remove by hand or with destroyServerGroup): ${remains.join('; ')}.`);
  else await say('Nothing was left behind.');
}
