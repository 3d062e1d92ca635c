import { describe, expect, it } from 'vitest';
import { preflightTaskDefinition, type PreflightService } from './preflightTaskDefinition.js';
import type { Finding, TaskDefinition } from './types.js';

const good = (): TaskDefinition => ({
  family: 'app',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '256',
  memory: '512',
  executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
  taskRoleArn: 'arn:aws-us-gov:iam::123456789012:role/path/app',
  volumes: [{ name: 'data' }],
  containerDefinitions: [
    {
      name: 'web',
      image: 'nginx:1',
      portMappings: [{ containerPort: 8080 }],
      logConfiguration: { logDriver: 'awsfirelens', options: { Name: 'cloudwatch' } },
      secrets: [{ name: 'DB', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbC' }, { name: 'P', valueFrom: 'my-param' }],
      mountPoints: [{ sourceVolume: 'data', containerPath: '/d' }],
      dependsOn: [{ containerName: 'log_router', condition: 'START' }],
    },
    { name: 'log_router', image: 'fluent-bit:2', essential: false, firelensConfiguration: { type: 'fluentbit' } },
  ],
});

const svc: PreflightService = {
  launchType: 'FARGATE',
  hasNetworkConfiguration: true,
  targetGroupMappings: [{ containerName: 'web', containerPort: 8080, targetGroup: 'tg' }],
  serviceDiscoveryAssociations: [{ containerName: 'web', containerPort: 8080 }],
};

describe('preflightTaskDefinition', () => {
  it('passes a well-wired Fargate task definition', () => {
    expect(preflightTaskDefinition(good(), svc)).toEqual([]);
  });

  const cases: [string, { mutate: (td: TaskDefinition) => void; svc?: PreflightService; want: Partial<Finding>; alsoOthers?: boolean }][] = [
    [
      'load-balanced container missing',
      {
        mutate: () => {},
        svc: { ...svc, targetGroupMappings: [{ containerName: 'api', containerPort: 8080, targetGroup: 'tg' }] },
        want: { code: 'LB_CONTAINER_UNKNOWN', in: 'request', pointer: '/targetGroupMappings/0/containerName', message: "Load-balanced container 'api' does not exist in the task definition." },
      },
    ],
    [
      'load-balanced port missing',
      {
        mutate: () => {},
        svc: { ...svc, targetGroupMappings: [{ containerName: 'web', containerPort: 80, targetGroup: 'tg' }] },
        want: { code: 'LB_PORT_UNKNOWN', pointer: '/containerDefinitions/0/portMappings', message: "Container 'web' has no portMapping with containerPort 80 (target group tg)." },
      },
    ],
    [
      'service discovery container missing',
      {
        mutate: () => {},
        svc: { ...svc, serviceDiscoveryAssociations: [{ containerName: 'x', containerPort: 1 }] },
        want: { code: 'SD_CONTAINER_UNKNOWN', pointer: '/serviceDiscoveryAssociations/0/containerName', message: "Service discovery container 'x' does not exist in the task definition." },
      },
    ],
    [
      'service discovery port missing',
      {
        mutate: () => {},
        svc: { ...svc, serviceDiscoveryAssociations: [{ containerName: 'web', containerPort: 9000 }] },
        want: { code: 'SD_PORT_UNKNOWN', pointer: '/serviceDiscoveryAssociations/0/containerPort', message: "Container 'web' has no portMapping with containerPort 9000." },
      },
    ],
    [
      'target group mapping without a container name',
      {
        mutate: () => {},
        svc: { ...svc, targetGroupMappings: [{ containerPort: 8080, targetGroup: 'tg' }] },
        want: { code: 'LB_CONTAINER_MISSING', in: 'request', pointer: '/targetGroupMappings/0/containerName', message: 'A target group mapping needs containerName.' },
      },
    ],
    [
      'awsvpc without network settings',
      {
        mutate: () => {},
        svc: { ...svc, hasNetworkConfiguration: false },
        want: { code: 'AWSVPC_NETWORK_CONFIG', pointer: '/networkMode', message: 'networkMode awsvpc needs network settings on the server group (subnetTypes or subnets, securityGroupNames).' },
      },
    ],
    [
      'awsfirelens without a FireLens container',
      {
        mutate: (td) => td.containerDefinitions.splice(1, 1, { name: 'log_router', image: 'x:1', essential: false }),
        want: {
          code: 'FIRELENS_CONTAINER_MISSING',
          pointer: '/containerDefinitions/0/logConfiguration/logDriver',
          container: 'web',
          message: "Container 'web' logs to awsfirelens but no container has a firelensConfiguration.",
        },
      },
    ],
    ['bad task role ARN', { mutate: (td) => (td.taskRoleArn = 'app-role'), want: { code: 'ARN_INVALID', pointer: '/taskRoleArn', message: "taskRoleArn 'app-role' is not a well-formed IAM role ARN." } }],
    [
      'bad execution role ARN (not a role)',
      { mutate: (td) => (td.executionRoleArn = 'arn:aws:iam::123456789012:user/bob'), want: { code: 'ARN_INVALID', pointer: '/executionRoleArn', message: "executionRoleArn 'arn:aws:iam::123456789012:user/bob' is not a well-formed IAM role ARN." } },
    ],
    [
      'bad secret ARN',
      {
        mutate: (td) => (td.containerDefinitions[0]!.secrets![0]!.valueFrom = 'arn:aws:secretsmanager:oops'),
        want: { code: 'ARN_INVALID', pointer: '/containerDefinitions/0/secrets/0/valueFrom', container: 'web', message: "Secret 'DB' valueFrom 'arn:aws:secretsmanager:oops' is not a well-formed ARN." },
      },
    ],
    [
      'bad repository credentials ARN',
      {
        mutate: (td) => (td.containerDefinitions[0]!.repositoryCredentials = { credentialsParameter: 'creds' }),
        want: { code: 'ARN_INVALID', pointer: '/containerDefinitions/0/repositoryCredentials/credentialsParameter', message: "repositoryCredentials.credentialsParameter 'creds' is not a well-formed ARN." },
      },
    ],
    [
      'environment file not in S3',
      {
        mutate: (td) => (td.containerDefinitions[0]!.environmentFiles = [{ value: 'https://x/y.env', type: 's3' }]),
        want: { code: 'ARN_INVALID', pointer: '/containerDefinitions/0/environmentFiles/0/value', message: "environmentFiles value 'https://x/y.env' is not an S3 object ARN." },
      },
    ],
    ['duplicate container names', { mutate: (td) => (td.containerDefinitions[1]!.name = 'web'), want: { code: 'CONTAINER_NAME_DUPLICATE', pointer: '/containerDefinitions/1/name', message: "Container name 'web' is used more than once." }, alsoOthers: true }],
    [
      'no essential container',
      { mutate: (td) => (td.containerDefinitions[0]!.essential = false), want: { code: 'NO_ESSENTIAL_CONTAINER', pointer: '/containerDefinitions', message: 'At least one container must be essential.' } },
    ],
    ['dependsOn an unknown container', { mutate: (td) => ((td.containerDefinitions[0]!.dependsOn as { containerName: string }[])[0]!.containerName = 'x'), want: { code: 'DEPENDS_ON_UNKNOWN', pointer: '/containerDefinitions/0/dependsOn/0/containerName', message: "Container 'web' depends on 'x', which does not exist." } }],
    ['mount of an unknown volume', { mutate: (td) => (td.volumes = []), want: { code: 'MOUNT_VOLUME_UNKNOWN', pointer: '/containerDefinitions/0/mountPoints/0/sourceVolume', message: "Container 'web' mounts volume 'data', which is not in volumes." } }],
    ['volumesFrom an unknown container', { mutate: (td) => (td.containerDefinitions[0]!.volumesFrom = [{ sourceContainer: 'nope' }]), want: { code: 'VOLUMES_FROM_UNKNOWN', pointer: '/containerDefinitions/0/volumesFrom/0/sourceContainer', message: "Container 'web' mounts volumes from 'nope', which does not exist." } }],
    [
      'awsvpc hostPort different from containerPort',
      { mutate: (td) => (td.containerDefinitions[0]!.portMappings = [{ containerPort: 8080, hostPort: 80 }]), want: { code: 'AWSVPC_HOST_PORT', pointer: '/containerDefinitions/0/portMappings/0/hostPort', message: 'In awsvpc mode hostPort must equal containerPort (8080), not 80.' } },
    ],
    ['Fargate without task cpu', { mutate: (td) => delete td.cpu, want: { code: 'FARGATE_CPU', pointer: '/cpu', message: 'Fargate requires a task-level cpu.' } }],
    ['Fargate without task memory', { mutate: (td) => delete td.memory, want: { code: 'FARGATE_MEMORY', pointer: '/memory', message: 'Fargate requires a task-level memory.' } }],
    ['Fargate in bridge mode', { mutate: (td) => (td.networkMode = 'bridge'), want: { code: 'FARGATE_NETWORK_MODE', pointer: '/networkMode', message: "Fargate requires networkMode awsvpc, not 'bridge'." } }],
    ['unknown network mode', { mutate: (td) => (td.networkMode = 'default'), svc: {}, want: { code: 'NETWORK_MODE_INVALID', pointer: '/networkMode', message: "networkMode 'default' is not one of bridge, host, awsvpc, none." }, alsoOthers: true }],
    [
      'awslogs without a group',
      { mutate: (td) => (td.containerDefinitions[0]!.logConfiguration = { logDriver: 'awslogs', options: {} }), want: { code: 'AWSLOGS_GROUP_MISSING', pointer: '/containerDefinitions/0/logConfiguration/options', message: "Container 'web' uses awslogs without an awslogs-group option." } },
    ],
    [
      'a name both env var and secret',
      {
        mutate: (td) => (td.containerDefinitions[0]!.environment = [{ name: 'DB', value: 'x' }]),
        want: { code: 'SECRET_ENV_COLLISION', pointer: '/containerDefinitions/0/secrets/0/name', message: "Container 'web' defines DB both as environment variable and secret." },
      },
    ],
  ];
  it.each(cases)('%s', (_n, { mutate, svc: s, want, alsoOthers }) => {
    const td = good();
    mutate(td);
    const errs = preflightTaskDefinition(td, s ?? svc).filter((f) => f.severity === 'error');
    if (alsoOthers) expect(errs).toContainEqual(expect.objectContaining({ severity: 'error', ...want }));
    else expect(errs).toEqual([expect.objectContaining({ severity: 'error', ...want })]);
  });

  it('warns (does not fail) when secrets need an execution role that is missing, and on duplicate env names', () => {
    const td = good();
    delete td.executionRoleArn;
    td.containerDefinitions[1]!.environment = [
      { name: 'A', value: '1' },
      { name: 'A', value: '2' },
    ];
    const f = preflightTaskDefinition(td, svc);
    expect(f.map((x) => [x.severity, x.code, x.pointer, x.message])).toEqual([
      ['warning', 'EXECUTION_ROLE_MISSING', '/executionRoleArn', "Container 'web' needs an execution role (log driver or secrets) and the task definition has none."],
      ['warning', 'ENV_DUPLICATE', '/containerDefinitions/1/environment/1', "Container 'log_router' defines A more than once."],
    ]);
  });
});
