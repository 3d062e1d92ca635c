// Replay: the ECS "Deploy" stage as Deck builds it by default (inputs mode) and Orca forwards it.
// Body fields, field for field, from:
//  - deck/packages/ecs/src/serverGroup/configure/serverGroupCommandBuilder.service.js:70-96 (buildNewServerGroupCommand:
//    `iamRole: 'None (No IAM role)'` :79, `dockerImageCredentialsSecret: 'None (No registry credentials)'` :80,
//    `healthCheckGracePeriodSeconds: ''` :84, `useTaskDefinitionArtifact: false` :88, `targetGroup: ''` :92,
//    `copySourceScalingPoliciesAndActions: true` :93, `useSourceCapacity: true` :95);
//  - Orca's ECS deploy (CreateServerGroupStage → CreateServerGroupTask) posts the stage context as the
//    `createServerGroup` description: orca/orca-clouddriver/src/main/groovy/com/netflix/spinnaker/orca/clouddriver/
//    tasks/providers/ecs/EcsServerGroupCreator.groovy getOperations :77- (`operation.putAll(stage.context)` :80,
//    account → credentials :82-84; inputs mode skips the artifact block :86-116 and keeps dockerImageAddress, or
//    takes it from `imageDescription` via getImageAddressFromDescription).
// What Orca then reads from the task (orca/.../clouddriver/tasks/MonitorKatoTask.groovy @ b7c6db1):
// katoStatusToTaskStatus :253-265 (status.completed/failed), getServerGroupNames :287- (resultObjects[].serverGroupNames,
// `region:name` split at ':' into `deploy.server.groups` :155-156).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEcsApp } from '../../packages/ecs/src/__fixtures__/startEcsApp.js';
import { deckServerGroupCommand } from './fixtures/ecsBodies.js';

let app: Awaited<ReturnType<typeof startEcsApp>>;
beforeEach(async () => {
  app = await startEcsApp();
  app.fake.targetGroups.set('shop-prod-tg', {
    TargetGroupName: 'shop-prod-tg',
    TargetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-prod-tg/abc',
    LoadBalancerArns: ['arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop/def'],
  });
});
afterEach(() => app.close());

/** Deck's default command after a user filled the inputs form, as Orca forwards the stage context. */
const deckInputs = (extra: Record<string, unknown> = {}) => ({
  ...deckServerGroupCommand(),
  taskDefinitionArtifact: {},
  useTaskDefinitionArtifact: false,
  placementStrategySequence: [],
  serviceDiscoveryAssociations: [],
  ecsClusterName: 'main',
  targetGroup: '',
  copySourceScalingPoliciesAndActions: true,
  preferSourceCapacity: true,
  useSourceCapacity: true,
  enableDeploymentCircuitBreaker: false,
  // What the user typed into the inputs form (Deck's container/port/log/env sections).
  dockerImageAddress: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2',
  computeUnits: 256,
  reservedMemory: '512',
  containerPort: 8080,
  portProtocol: 'tcp',
  environmentVariables: { LOG_LEVEL: 'info' },
  dockerLabels: { team: 'payments' },
  logDriver: 'awslogs',
  logOptions: { 'awslogs-group': '/ecs/shop', 'awslogs-region': 'us-east-1' },
  targetGroupMappings: [{ containerPort: 8080, targetGroup: 'shop-prod-tg' }],
  type: 'createServerGroup',
  viewState: { mode: 'editPipeline' },
  ...extra,
});

describe('ECS inputs mode (useTaskDefinitionArtifact: false, Deck\'s default)', () => {
  it('EC2: builds the task definition from the inputs, injects Spinnaker values and answers what Orca reads', async () => {
    const res = await app.post('/ecs/ops/createServerGroup', deckInputs());
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const t = await app.task(res.body.id);
    expect(t.status, JSON.stringify(t.resultObjects)).toMatchObject({ completed: true, failed: false });
    // MonitorKatoTask.getServerGroupNames splits `region:name`.
    expect(t.resultObjects[0].serverGroupNames).toEqual(['us-east-1:shop-prod-v000']);

    const registered = app.fake.calls.find((c) => c.command === 'RegisterTaskDefinition')!.input;
    expect(registered.family).toBe('shop-prod');
    const c = registered.containerDefinitions[0];
    expect(c).toMatchObject({
      name: 'shop-prod',
      image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2',
      cpu: 256,
      memoryReservation: 512,
      portMappings: [{ containerPort: 8080, hostPort: 0, protocol: 'tcp' }],
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/shop', 'awslogs-region': 'us-east-1' } },
    });
    expect(c.repositoryCredentials).toBeUndefined(); // Deck's "None (No registry credentials)"
    expect(registered.taskRoleArn).toBeUndefined(); // Deck's "None (No IAM role)"
    expect(c.environment).toEqual(expect.arrayContaining([{ name: 'LOG_LEVEL', value: 'info' }, { name: 'SERVER_GROUP', value: 'shop-prod-v000' }]));
    expect(c.dockerLabels).toMatchObject({ team: 'payments', 'spinnaker.servergroup': 'shop-prod-v000' });

    const create = app.fake.calls.find((cl) => cl.command === 'CreateService')!.input;
    expect(create).toMatchObject({ serviceName: 'shop-prod-v000', launchType: 'EC2', loadBalancers: [{ containerName: 'shop-prod', containerPort: 8080 }] });
    // healthCheckGracePeriodSeconds: '' is "not set", as Jackson reads it.
    expect(create.healthCheckGracePeriodSeconds).toBeUndefined();
  });

  it('Fargate with a role, registry secret and service discovery: task-level cpu/memory, awsvpc, same injection', async () => {
    app.fake.sdServices.set('srv-1', 'arn:aws:servicediscovery:us-east-1:123456789012:service/srv-1');
    const res = await app.post(
      '/ecs/ops/createServerGroup',
      deckInputs({
        launchType: 'FARGATE',
        networkMode: 'awsvpc',
        subnetIds: ['subnet-1'],
        securityGroupIds: ['sg-1'],
        computeUnits: 512,
        reservedMemory: 1024,
        iamRole: 'shop-task-role',
        dockerImageCredentialsSecret: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:dockerhub',
        serviceDiscoveryAssociations: [{ registry: { id: 'srv-1' }, containerPort: 9090 }],
        healthCheckGracePeriodSeconds: '30',
      }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const t = await app.task(res.body.id);
    expect(t.status.failed, JSON.stringify(t.resultObjects)).toBe(false);
    const registered = app.fake.calls.find((c) => c.command === 'RegisterTaskDefinition')!.input;
    expect(registered).toMatchObject({ requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '512', memory: '1024', taskRoleArn: 'arn:aws:iam::123456789012:role/shop-task-role' });
    expect(registered.containerDefinitions[0].portMappings).toEqual([
      { containerPort: 8080, hostPort: 8080, protocol: 'tcp' },
      { containerPort: 9090, hostPort: 9090, protocol: 'tcp' },
    ]);
    expect(registered.containerDefinitions[0].repositoryCredentials).toEqual({ credentialsParameter: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:dockerhub' });
    const create = app.fake.calls.find((cl) => cl.command === 'CreateService')!.input;
    expect(create).toMatchObject({ launchType: 'FARGATE', healthCheckGracePeriodSeconds: 30 });
  });

  it('a missing image is a 400 naming the field, not a task that fails with "No task definition"', async () => {
    const res = await app.post('/ecs/ops/createServerGroup', deckInputs({ dockerImageAddress: '' }));
    // The description is valid as a shape; the task fails naming what to fix.
    const t = res.status === 202 ? await app.task(res.body.id) : undefined;
    const text = JSON.stringify(res.status === 202 ? t.resultObjects : res.body);
    expect(text).toContain('dockerImageAddress');
    expect(text).not.toContain('No task definition');
  });
});
