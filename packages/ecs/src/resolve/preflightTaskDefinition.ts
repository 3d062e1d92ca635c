import { usesFargate } from './injectServerGroup.js';
import { pointer, type Finding, type TaskDefinition } from './types.js';

/** The parts of the service that must agree with the task definition. */
export interface PreflightService {
  targetGroupMappings?: { containerName?: string; containerPort?: number; targetGroup?: string }[];
  serviceDiscoveryAssociations?: { containerName?: string; containerPort?: number }[];
  /** True when the service has awsvpc network settings (subnets or subnet types). */
  hasNetworkConfiguration?: boolean;
  launchType?: string;
  capacityProviderStrategy?: { capacityProvider?: string }[];
}

const ARN = /^arn:aws(?:-cn|-us-gov|-iso|-iso-b|-iso-e|-iso-f)?:[a-z0-9-]+:[a-z0-9-]*:(?:\d{12})?:.+$/;
const ROLE_ARN = /^arn:aws(?:-cn|-us-gov|-iso|-iso-b|-iso-e|-iso-f)?:iam::\d{12}:role\/[\w+=,.@\/-]+$/;
const NETWORK_MODES = ['bridge', 'host', 'awsvpc', 'none'];

/**
 * ecspresso-style `verify` before anything reaches AWS (§5.2, "Gaps nobody fills" #7): load-balanced containers and
 * ports exist, awsvpc has network settings, FireLens is wired, ARNs are well-formed, references between containers
 * and volumes resolve. Every finding carries a JSON pointer into the rendered task definition or the request.
 */
export function preflightTaskDefinition(td: TaskDefinition, svc: PreflightService = {}): Finding[] {
  const f: Finding[] = [];
  const err = (code: string, at: string, message: string, container?: string, where: Finding['in'] = 'taskDefinition') =>
    f.push({ severity: 'error', code, in: where, pointer: at, message, ...(container !== undefined ? { container } : {}) });
  const warn = (code: string, at: string, message: string, container?: string) =>
    f.push({ severity: 'warning', code, in: 'taskDefinition', pointer: at, message, ...(container !== undefined ? { container } : {}) });
  const containers = td.containerDefinitions;
  const names = new Map<string, number>();

  containers.forEach((c, idx) => {
    const at = pointer('containerDefinitions', idx);
    if (!c.name) err('CONTAINER_NAME_MISSING', at + '/name', `Container ${idx} has no name.`);
    else if (names.has(c.name)) err('CONTAINER_NAME_DUPLICATE', at + '/name', `Container name '${c.name}' is used more than once.`, c.name);
    else names.set(c.name, idx);
  });
  if (containers.length > 0 && !containers.some((c) => c.essential !== false)) {
    err('NO_ESSENTIAL_CONTAINER', '/containerDefinitions', 'At least one container must be essential.');
  }
  if (td.networkMode !== undefined && !NETWORK_MODES.includes(td.networkMode)) {
    err('NETWORK_MODE_INVALID', '/networkMode', `networkMode '${td.networkMode}' is not one of ${NETWORK_MODES.join(', ')}.`);
  }

  const portsOf = (name: string) => containers[names.get(name) ?? -1]?.portMappings?.map((p) => p.containerPort) ?? [];
  (svc.targetGroupMappings ?? []).forEach((m, idx) => {
    const at = pointer('targetGroupMappings', idx);
    if (!m.containerName) return err('LB_CONTAINER_MISSING', at + '/containerName', 'A target group mapping needs containerName.', undefined, 'request');
    if (!names.has(m.containerName)) {
      return err('LB_CONTAINER_UNKNOWN', at + '/containerName', `Load-balanced container '${m.containerName}' does not exist in the task definition.`, m.containerName, 'request');
    }
    if (m.containerPort === undefined || !portsOf(m.containerName).includes(m.containerPort)) {
      err(
        'LB_PORT_UNKNOWN',
        pointer('containerDefinitions', names.get(m.containerName)!, 'portMappings'),
        `Container '${m.containerName}' has no portMapping with containerPort ${m.containerPort} (target group ${m.targetGroup ?? '?'}).`,
        m.containerName,
      );
    }
  });
  (svc.serviceDiscoveryAssociations ?? []).forEach((a, idx) => {
    if (!a.containerName) return;
    const at = pointer('serviceDiscoveryAssociations', idx);
    if (!names.has(a.containerName)) {
      err('SD_CONTAINER_UNKNOWN', at + '/containerName', `Service discovery container '${a.containerName}' does not exist in the task definition.`, a.containerName, 'request');
    } else if (a.containerPort && !portsOf(a.containerName).includes(a.containerPort)) {
      err('SD_PORT_UNKNOWN', at + '/containerPort', `Container '${a.containerName}' has no portMapping with containerPort ${a.containerPort}.`, a.containerName, 'request');
    }
  });

  const fargate = usesFargate(svc) || (td.requiresCompatibilities ?? []).includes('FARGATE');
  if (td.networkMode === 'awsvpc' && svc.hasNetworkConfiguration === false) {
    err('AWSVPC_NETWORK_CONFIG', '/networkMode', 'networkMode awsvpc needs network settings on the server group (subnetTypes or subnets, securityGroupNames).');
  }
  if (fargate) {
    if (td.networkMode !== undefined && td.networkMode !== 'awsvpc') err('FARGATE_NETWORK_MODE', '/networkMode', `Fargate requires networkMode awsvpc, not '${td.networkMode}'.`);
    if (!td.cpu) err('FARGATE_CPU', '/cpu', 'Fargate requires a task-level cpu.');
    if (!td.memory) err('FARGATE_MEMORY', '/memory', 'Fargate requires a task-level memory.');
  }

  const firelens = containers.some((c) => c.firelensConfiguration !== undefined);
  containers.forEach((c, idx) => {
    const at = pointer('containerDefinitions', idx);
    const driver = c.logConfiguration?.logDriver;
    if (driver === 'awsfirelens' && !firelens) {
      err('FIRELENS_CONTAINER_MISSING', at + '/logConfiguration/logDriver', `Container '${c.name}' logs to awsfirelens but no container has a firelensConfiguration.`, c.name);
    }
    if (driver === 'awslogs' && !c.logConfiguration?.options?.['awslogs-group']) {
      err('AWSLOGS_GROUP_MISSING', at + '/logConfiguration/options', `Container '${c.name}' uses awslogs without an awslogs-group option.`, c.name);
    }
    if ((driver === 'awslogs' || driver === 'awsfirelens' || (c.secrets?.length ?? 0) > 0) && !td.executionRoleArn) {
      warn('EXECUTION_ROLE_MISSING', '/executionRoleArn', `Container '${c.name}' needs an execution role (log driver or secrets) and the task definition has none.`, c.name);
    }
    if (td.networkMode === 'awsvpc') {
      (c.portMappings ?? []).forEach((p, pi) => {
        if (p.hostPort !== undefined && p.hostPort !== p.containerPort) {
          err('AWSVPC_HOST_PORT', at + pointer('portMappings', pi, 'hostPort'), `In awsvpc mode hostPort must equal containerPort (${p.containerPort}), not ${p.hostPort}.`, c.name);
        }
      });
    }
    const envNames = new Set<string>();
    (c.environment ?? []).forEach((e, ei) => {
      if (e.name && envNames.has(e.name)) warn('ENV_DUPLICATE', at + pointer('environment', ei), `Container '${c.name}' defines ${e.name} more than once.`, c.name);
      if (e.name) envNames.add(e.name);
    });
    (c.secrets ?? []).forEach((s, si) => {
      if (s.valueFrom?.startsWith('arn:') && !ARN.test(s.valueFrom)) {
        err('ARN_INVALID', at + pointer('secrets', si, 'valueFrom'), `Secret '${s.name}' valueFrom '${s.valueFrom}' is not a well-formed ARN.`, c.name);
      }
      if (s.name && envNames.has(s.name)) err('SECRET_ENV_COLLISION', at + pointer('secrets', si, 'name'), `Container '${c.name}' defines ${s.name} both as environment variable and secret.`, c.name);
    });
    const cred = (c.repositoryCredentials as { credentialsParameter?: string } | undefined)?.credentialsParameter;
    if (cred !== undefined && !ARN.test(cred)) {
      err('ARN_INVALID', at + '/repositoryCredentials/credentialsParameter', `repositoryCredentials.credentialsParameter '${cred}' is not a well-formed ARN.`, c.name);
    }
    ((c.environmentFiles as { value?: string }[] | undefined) ?? []).forEach((ef, ei) => {
      if (!ef.value || !/^arn:aws[a-z-]*:s3:::.+/.test(ef.value)) {
        err('ARN_INVALID', at + pointer('environmentFiles', ei, 'value'), `environmentFiles value '${ef.value}' is not an S3 object ARN.`, c.name);
      }
    });
    ((c.dependsOn as { containerName?: string }[] | undefined) ?? []).forEach((d, di) => {
      if (d.containerName && !names.has(d.containerName)) {
        err('DEPENDS_ON_UNKNOWN', at + pointer('dependsOn', di, 'containerName'), `Container '${c.name}' depends on '${d.containerName}', which does not exist.`, c.name);
      }
    });
    ((c.volumesFrom as { sourceContainer?: string }[] | undefined) ?? []).forEach((v, vi) => {
      if (v.sourceContainer && !names.has(v.sourceContainer)) {
        err('VOLUMES_FROM_UNKNOWN', at + pointer('volumesFrom', vi, 'sourceContainer'), `Container '${c.name}' mounts volumes from '${v.sourceContainer}', which does not exist.`, c.name);
      }
    });
    const volumes = new Set(((td.volumes as { name?: string }[] | undefined) ?? []).map((v) => v.name));
    ((c.mountPoints as { sourceVolume?: string }[] | undefined) ?? []).forEach((m, mi) => {
      if (m.sourceVolume && !volumes.has(m.sourceVolume)) {
        err('MOUNT_VOLUME_UNKNOWN', at + pointer('mountPoints', mi, 'sourceVolume'), `Container '${c.name}' mounts volume '${m.sourceVolume}', which is not in volumes.`, c.name);
      }
    });
  });

  for (const field of ['taskRoleArn', 'executionRoleArn'] as const) {
    const v = td[field];
    if (v !== undefined && !ROLE_ARN.test(v)) err('ARN_INVALID', pointer(field), `${field} '${v}' is not a well-formed IAM role ARN.`);
  }
  return f;
}
