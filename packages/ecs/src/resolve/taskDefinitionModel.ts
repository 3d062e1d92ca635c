/**
 * The shape of an ECS `RegisterTaskDefinition` request, as a small field model. It is versioned with outrigger, not
 * with an SDK (ecs-artifacts.md "Gaps nobody fills" #2): a field missing here is reported as dropped, never silently
 * lost, and adding one is a one-line change.
 */
export type FieldKind =
  | { kind: 'string' }
  | { kind: 'int' }
  | { kind: 'bool' }
  /** A string→string map whose keys are user data (never renamed). */
  | { kind: 'map' }
  | { kind: 'object'; fields: Record<string, FieldKind> }
  | { kind: 'array'; of: FieldKind };

const s: FieldKind = { kind: 'string' };
const i: FieldKind = { kind: 'int' };
const b: FieldKind = { kind: 'bool' };
const map: FieldKind = { kind: 'map' };
const obj = (fields: Record<string, FieldKind>): FieldKind => ({ kind: 'object', fields });
const arr = (of: FieldKind): FieldKind => ({ kind: 'array', of });
const nameValue = obj({ name: s, value: s });
const nameValueFrom = obj({ name: s, valueFrom: s });

export const containerDefinitionModel = obj({
  name: s,
  image: s,
  repositoryCredentials: obj({ credentialsParameter: s }),
  cpu: i,
  memory: i,
  memoryReservation: i,
  links: arr(s),
  portMappings: arr(obj({ containerPort: i, hostPort: i, protocol: s, name: s, appProtocol: s, containerPortRange: s })),
  essential: b,
  restartPolicy: obj({ enabled: b, ignoredExitCodes: arr(i), restartAttemptPeriod: i }),
  entryPoint: arr(s),
  command: arr(s),
  environment: arr(nameValue),
  environmentFiles: arr(obj({ value: s, type: s })),
  mountPoints: arr(obj({ sourceVolume: s, containerPath: s, readOnly: b })),
  volumesFrom: arr(obj({ sourceContainer: s, readOnly: b })),
  linuxParameters: obj({
    capabilities: obj({ add: arr(s), drop: arr(s) }),
    devices: arr(obj({ hostPath: s, containerPath: s, permissions: arr(s) })),
    initProcessEnabled: b,
    sharedMemorySize: i,
    tmpfs: arr(obj({ containerPath: s, size: i, mountOptions: arr(s) })),
    maxSwap: i,
    swappiness: i,
  }),
  secrets: arr(nameValueFrom),
  dependsOn: arr(obj({ containerName: s, condition: s })),
  startTimeout: i,
  stopTimeout: i,
  versionConsistency: s,
  hostname: s,
  user: s,
  workingDirectory: s,
  disableNetworking: b,
  privileged: b,
  readonlyRootFilesystem: b,
  dnsServers: arr(s),
  dnsSearchDomains: arr(s),
  extraHosts: arr(obj({ hostname: s, ipAddress: s })),
  dockerSecurityOptions: arr(s),
  interactive: b,
  pseudoTerminal: b,
  dockerLabels: map,
  ulimits: arr(obj({ name: s, softLimit: i, hardLimit: i })),
  logConfiguration: obj({ logDriver: s, options: map, secretOptions: arr(nameValueFrom) }),
  healthCheck: obj({ command: arr(s), interval: i, timeout: i, retries: i, startPeriod: i }),
  systemControls: arr(obj({ namespace: s, value: s })),
  resourceRequirements: arr(obj({ value: s, type: s })),
  firelensConfiguration: obj({ type: s, options: map }),
  credentialSpecs: arr(s),
});

export const taskDefinitionModel = obj({
  family: s,
  taskRoleArn: s,
  executionRoleArn: s,
  networkMode: s,
  containerDefinitions: arr(containerDefinitionModel),
  volumes: arr(
    obj({
      name: s,
      host: obj({ sourcePath: s }),
      configuredAtLaunch: b,
      dockerVolumeConfiguration: obj({ scope: s, autoprovision: b, driver: s, driverOpts: map, labels: map }),
      efsVolumeConfiguration: obj({
        fileSystemId: s,
        rootDirectory: s,
        transitEncryption: s,
        transitEncryptionPort: i,
        authorizationConfig: obj({ accessPointId: s, iam: s }),
      }),
      fsxWindowsFileServerVolumeConfiguration: obj({
        fileSystemId: s,
        rootDirectory: s,
        authorizationConfig: obj({ credentialsParameter: s, domain: s }),
      }),
    }),
  ),
  placementConstraints: arr(obj({ type: s, expression: s })),
  requiresCompatibilities: arr(s),
  cpu: s,
  memory: s,
  tags: arr(obj({ key: s, value: s })),
  pidMode: s,
  ipcMode: s,
  proxyConfiguration: obj({ type: s, containerName: s, properties: arr(nameValue) }),
  inferenceAccelerators: arr(obj({ deviceName: s, deviceType: s })),
  ephemeralStorage: obj({ sizeInGiB: i }),
  runtimePlatform: obj({ cpuArchitecture: s, operatingSystemFamily: s }),
  enableFaultInjection: b,
});

/** Fields DescribeTaskDefinition returns that RegisterTaskDefinition does not accept. */
export const DESCRIBE_ONLY_FIELDS = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
] as const;

/** CloudFormation spellings that do not reduce to the API name by case alone. */
export const CLOUDFORMATION_ALIASES: Record<string, string> = {
  proxyconfigurationproperties: 'properties',
};
