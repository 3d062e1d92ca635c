import type { EcsDeploymentFields } from '@outrigger/contract';
import { clusterNameOf } from './serverGroupNames.js';

const NO_IMAGE_CREDENTIALS = 'None (No registry credentials)';

/**
 * Inputs mode (`useTaskDefinitionArtifact: false`, the default Deck's ECS command builder sets,
 * deck/packages/ecs/src/serverGroup/configure/serverGroupCommandBuilder.service.js:88): the task definition is built
 * from the stage's fields, as clouddriver's CreateServerGroupAtomicOperation.makeTaskDefinitionRequest does
 * (clouddriver/clouddriver-ecs/.../deploy/ops/CreateServerGroupAtomicOperation.java):
 * one container named after the cluster (EcsServerGroupNameResolver.getEcsContainerName) running
 * `dockerImageAddress`, `cpu` = `computeUnits`, `memoryReservation` = `reservedMemory`, a port mapping for
 * `containerPort` (`portProtocol`, tcp by default; host port 0, or the container port with `awsvpc`) and one per
 * target-group mapping and service-discovery port, `environmentVariables`, `dockerLabels`, `logDriver` + `logOptions`
 * (none for `None`), repository credentials from `dockerImageCredentialsSecret` (unless Deck's
 * "None (No registry credentials)"). Fargate gets `requiresCompatibilities: [FARGATE]`, `awsvpc` and task-level
 * cpu/memory. The document then goes through the same resolver as an artifact: overrides, Spinnaker injection
 * (family, SERVER_GROUP/CLOUD_* variables, spinnaker.* labels, task role from `iamRole`) and preflight findings.
 */
export function isInputsMode(d: EcsDeploymentFields & { artifact?: unknown; taskDefinition?: unknown }): boolean {
  if (d.useTaskDefinitionArtifact === false) return true;
  return d.useTaskDefinitionArtifact === undefined && Boolean(d.dockerImageAddress) && !d.artifact && !d.resolvedTaskDefinitionArtifact && !d.taskDefinition && !d.fromTaskDefinition;
}

/** The container name clouddriver gives the one container of inputs mode: the cluster name (`app-stack-detail`). */
export function inputsContainerName(d: EcsDeploymentFields): string {
  return clusterNameOf(d).cluster ?? d.application ?? 'container';
}

/** The description with inputs-mode defaults: target-group mappings without a container name load-balance the one container. */
export function withInputsDefaults<T extends EcsDeploymentFields>(d: T): T {
  const name = inputsContainerName(d);
  return {
    ...d,
    ...(d.targetGroupMappings ? { targetGroupMappings: d.targetGroupMappings.map((m) => ({ ...m, containerName: m.containerName || name })) } : {}),
    ...(d.targetGroup && !d.loadBalancedContainer ? { loadBalancedContainer: name } : {}),
  };
}

export function taskDefinitionFromInputs(d: EcsDeploymentFields): Record<string, unknown> {
  const name = inputsContainerName(d);
  const fargate = d.launchType === 'FARGATE';
  const awsvpc = fargate || d.networkMode === 'awsvpc';
  const protocol = (d.portProtocol || 'tcp').toLowerCase();
  const ports: number[] = [];
  const add = (p: number | undefined) => {
    if (p !== undefined && p !== null && p !== 0 && !ports.includes(p)) ports.push(p);
  };
  add(d.containerPort);
  for (const m of d.targetGroupMappings ?? []) add(m.containerPort);
  for (const s of d.serviceDiscoveryAssociations ?? []) add((s as { containerPort?: number }).containerPort);
  const portMappings = ports.map((p, i) => ({ containerPort: p, hostPort: awsvpc ? p : 0, protocol: i === 0 ? protocol : 'tcp' }));
  const env = Object.entries(d.environmentVariables ?? {}).map(([k, v]) => ({ name: k, value: v }));
  const secret = d.dockerImageCredentialsSecret && d.dockerImageCredentialsSecret !== NO_IMAGE_CREDENTIALS ? d.dockerImageCredentialsSecret : undefined;
  const logDriver = d.logDriver && d.logDriver !== 'None' ? d.logDriver : undefined;
  const container: Record<string, unknown> = {
    name,
    image: d.dockerImageAddress,
    essential: true,
    ...(d.computeUnits ? { cpu: d.computeUnits } : {}),
    ...(d.reservedMemory ? { memoryReservation: d.reservedMemory } : {}),
    portMappings,
    environment: env,
    ...(d.dockerLabels && Object.keys(d.dockerLabels).length ? { dockerLabels: { ...d.dockerLabels } } : {}),
    ...(logDriver ? { logConfiguration: { logDriver, ...(d.logOptions ? { options: { ...d.logOptions } } : {}) } } : {}),
    ...(secret ? { repositoryCredentials: { credentialsParameter: secret } } : {}),
  };
  return {
    family: name,
    containerDefinitions: [container],
    ...(awsvpc ? { networkMode: 'awsvpc' } : d.networkMode ? { networkMode: d.networkMode } : {}),
    ...(fargate
      ? {
          requiresCompatibilities: ['FARGATE'],
          ...(d.computeUnits ? { cpu: String(d.computeUnits) } : {}),
          ...(d.reservedMemory ? { memory: String(d.reservedMemory) } : {}),
        }
      : {}),
  };
}
