import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerRequest } from '../__fixtures__/taskDefinitions.js';
import { startEcsApp } from '../__fixtures__/startEcsApp.js';
import { throttling } from '../__fixtures__/FakeAws.js';
import { ClientException } from '@aws-sdk/client-ecs';

const ECR = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');

const description = (extra: Record<string, unknown> = {}) => ({
  credentials: 'prod',
  application: 'shop',
  stack: 'prod',
  availabilityZones: { 'us-east-1': ['us-east-1a', 'us-east-1b'] },
  ecsClusterName: 'main',
  capacity: { min: 1, max: 4, desired: 2 },
  launchType: 'FARGATE',
  networkMode: 'awsvpc',
  subnetIds: ['subnet-1', 'subnet-2'],
  securityGroupIds: ['sg-1'],
  placementStrategySequence: [],
  useTaskDefinitionArtifact: true,
  resolvedTaskDefinitionArtifact: { type: 'embedded/base64', name: 'td.json', reference: b64(registerRequest) },
  containerMappings: [{ containerName: 'web', imageDescription: { registry: ECR, repository: 'web', tag: '2.0.0' } }],
  targetGroupMappings: [{ containerName: 'web', containerPort: 8080, targetGroup: 'shop-prod' }],
  ...extra,
});

let app: Awaited<ReturnType<typeof startEcsApp>>;
beforeEach(async () => {
  app = await startEcsApp();
  app.fake.targetGroups.set('shop-prod', {
    TargetGroupName: 'shop-prod',
    TargetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-prod/abc',
    LoadBalancerArns: ['arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop/def'],
  });
});
afterEach(() => app.close());

const history = (t: { history: { status: string }[] }) => t.history.map((h) => h.status);

describe('POST /ecs/ops/createServerGroup', () => {
  it('answers 202 with the clouddriver task ref and Location /tasks/{id}, then creates the next server group', async () => {
    app.fake.seedService('shop-prod-v007', { desired: 2 });
    app.fake.seedService('shop-prod-v008', { desired: 0, status: 'DRAINING' });
    app.fake.sdServices.set('srv-1', 'arn:aws:servicediscovery:us-east-1:123456789012:service/srv-1');
    const res = await app.post(
      '/ecs/ops/createServerGroup',
      description({
        serviceDiscoveryAssociations: [{ registry: { id: 'srv-1' }, containerPort: 8080, containerName: 'web' }],
        placementConstraints: [{ type: 'distinctInstance' }],
        enableDeploymentCircuitBreaker: true,
        enableExecuteCommand: true,
        tags: { team: 'payments' },
      }),
    );
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: expect.any(String), resourceUri: `/task/${res.body.id}` });
    expect(res.headers.get('location')).toBe(`${app.baseUrl()}/tasks/${res.body.id}`);
    const t = await app.task(res.body.id);
    expect(t.status.failed).toBe(false);
    expect(t.resultObjects[0]).toMatchObject({ serverGroupNames: ['us-east-1:shop-prod-v009'], serverGroupNameByRegion: { 'us-east-1': ['shop-prod-v009'] } });
    const create = app.fake.calls.find((c) => c.command === 'CreateService')!.input;
    expect(create).toMatchObject({
      cluster: 'main',
      serviceName: 'shop-prod-v009',
      desiredCount: 2,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1', 'subnet-2'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' } },
      loadBalancers: [{ targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-prod/abc', containerName: 'web', containerPort: 8080 }],
      serviceRegistries: [{ registryArn: 'arn:aws:servicediscovery:us-east-1:123456789012:service/srv-1', containerName: 'web', containerPort: 8080 }],
      placementConstraints: [{ type: 'distinctInstance' }],
      deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200, deploymentCircuitBreaker: { enable: true, rollback: false } },
      enableExecuteCommand: true,
      propagateTags: 'SERVICE',
    });
    expect(create.tags).toContainEqual({ key: 'team', value: 'payments' });
    expect(create.tags).toContainEqual({ key: 'moniker.spinnaker.io/sequence', value: '9' });
    const registered = app.fake.calls.find((c) => c.command === 'RegisterTaskDefinition')!.input;
    expect(registered.family).toBe('shop-prod');
    expect(registered.containerDefinitions[0].image).toBe(`${ECR}/web:2.0.0`);
    expect(registered.containerDefinitions[0].environment.filter((e: { name: string }) => e.name === 'SERVER_GROUP')).toEqual([{ name: 'SERVER_GROUP', value: 'shop-prod-v009' }]);
    expect(app.fake.scalableTargets.get('service/main/shop-prod-v009')).toMatchObject({ MinCapacity: 1, MaxCapacity: 4 });
    expect(history(t)).toContain('Server group name: shop-prod-v009.');
  });

  it('resolves Deck-style subnetTypes (immutable_metadata purpose, in the zones) and securityGroupNames in their VPC', async () => {
    const meta = (purpose: string) => [{ Key: 'immutable_metadata', Value: JSON.stringify({ purpose }) }];
    app.fake.subnets.push(
      { SubnetId: 'subnet-a', VpcId: 'vpc-1', AvailabilityZone: 'us-east-1a', Tags: meta('internal') },
      { SubnetId: 'subnet-b', VpcId: 'vpc-1', AvailabilityZone: 'us-east-1b', Tags: meta('internal') },
      { SubnetId: 'subnet-c', VpcId: 'vpc-1', AvailabilityZone: 'us-east-1c', Tags: meta('internal') },
      { SubnetId: 'subnet-x', VpcId: 'vpc-1', AvailabilityZone: 'us-east-1a', Tags: meta('external') },
    );
    app.fake.securityGroups.push({ GroupId: 'sg-in-1', GroupName: 'shop', VpcId: 'vpc-1' }, { GroupId: 'sg-other', GroupName: 'shop', VpcId: 'vpc-2' });
    const t = await app.task(
      (await app.post('/ecs/ops/createServerGroup', description({ subnetIds: undefined, securityGroupIds: undefined, subnetTypes: ['internal'], securityGroupNames: ['shop'] }))).body.id,
    );
    expect(t.status.failed).toBe(false);
    expect(app.fake.calls.find((c) => c.command === 'CreateService')!.input.networkConfiguration).toEqual({
      awsvpcConfiguration: { subnets: ['subnet-a', 'subnet-b'], securityGroups: ['sg-in-1'], assignPublicIp: 'DISABLED' },
    });
    const missing = await app.task((await app.post('/ecs/ops/createServerGroup', description({ subnetIds: undefined, subnetTypes: ['nope'] }))).body.id);
    expect(missing.resultObjects[0].message).toBe('No subnets with purpose nope in us-east-1a, us-east-1b.');
  });

  it('accepts Orca/Deck descriptions with null fields and unknown keys', async () => {
    const res = await app.post('/ecs/ops/createServerGroup', {
      ...description(),
      platformVersion: null,
      subnetType: null,
      iamRole: null,
      moniker: { app: 'shop', stack: 'prod', detail: null, cluster: null },
      source: null,
      cloudProvider: 'ecs',
      type: 'createServerGroup',
      stageEnabled: { expression: 'true' },
    });
    expect(res.status).toBe(202);
    const t = await app.task(res.body.id);
    expect(t.status.failed).toBe(false);
  });

  it('rejects an invalid description with clouddriver-style field errors (400, nothing submitted)', async () => {
    const res = await app.post('/ecs/ops/createServerGroup', description({ capacity: { min: 3, max: 2, desired: 1 }, launchType: 'EC2', capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }] }));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { field: '$.body.capacity.min', message: 'exceeds.max' },
        { field: '$.body.capacity.desired', message: 'less.than.min' },
        { field: '$.body.launchType', message: 'invalid: launchType and capacityProviderStrategy are mutually exclusive' },
      ]),
    );
    expect(app.fake.calls).toEqual([]);
  });

  it('fails the task (not the request) when the artifact does not resolve, naming the container', async () => {
    const res = await app.post('/ecs/ops/createServerGroup', description({ containerMappings: [] }));
    const t = await app.task(res.body.id);
    expect(t.status.failed).toBe(true);
    expect(t.resultObjects[0].message).toMatch(/Container 'web' still has the placeholder image/);
    expect(app.fake.calls.some((c) => c.command === 'RegisterTaskDefinition')).toBe(false);
  });

  it('retries throttling and succeeds', async () => {
    app.fake.failNext('CreateService', throttling(), 2);
    const t = await app.task((await app.post('/ecs/ops/createServerGroup', description())).body.id);
    expect(t.status.failed).toBe(false);
    expect(app.fake.calls.filter((c) => c.command === 'CreateService')).toHaveLength(3);
  });

  it('persistent throttling: the task fails as retryable and what was created is removed, with history lines', async () => {
    app.fake.failNext('RegisterScalableTarget', throttling(), 10);
    const t = await app.task((await app.post('/ecs/ops/createServerGroup', description())).body.id);
    expect(t.status).toMatchObject({ failed: true, retryable: true });
    const lines = history(t);
    expect(lines).toContain('Cleaned up after the failure: removed service shop-prod-v000.');
    expect(lines).toContain(`Cleaned up after the failure: removed task definition arn:aws:ecs:us-east-1:123456789012:task-definition/shop-prod:1.`);
    expect(lines).toContain('Nothing was left behind.');
    expect(app.fake.services.get('main/shop-prod-v000')?.status).toBe('DRAINING');
  });

  it('partial failure whose cleanup also fails: the history says exactly what remains', async () => {
    app.fake.failNext('CreateService', new ClientException({ message: 'Invalid subnet', $metadata: {} }));
    app.fake.failNext('DeregisterTaskDefinition', new ClientException({ message: 'boom', $metadata: {} }));
    const t = await app.task((await app.post('/ecs/ops/createServerGroup', description())).body.id);
    expect(t.status.failed).toBe(true);
    expect(t.resultObjects[0].message).toMatch(/Invalid subnet/);
    expect(history(t)).toContain(
      'Left in place after the failure (remove by hand or with destroyServerGroup): task definition arn:aws:ecs:us-east-1:123456789012:task-definition/shop-prod:1.',
    );
  });

  it('copies scaling policies, their alarms (renamed, dimensions rewritten, actions re-pointed) and scheduled actions from the source', async () => {
    app.fake.seedService('shop-prod-v001', { desired: 3 });
    const from = 'service/main/shop-prod-v001';
    app.fake.scalableTargets.set(from, { ResourceId: from, MinCapacity: 2, MaxCapacity: 10 });
    const oldArn = `arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:${from}:policyName/shop-prod-v001-cpu-high`;
    app.fake.policies.set(`${from}|shop-prod-v001-cpu-high`, {
      PolicyName: 'shop-prod-v001-cpu-high',
      PolicyARN: oldArn,
      ResourceId: from,
      PolicyType: 'StepScaling',
      StepScalingPolicyConfiguration: { AdjustmentType: 'ChangeInCapacity', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] },
      Alarms: [{ AlarmName: 'shop-prod-v001-cpu-high' }, { AlarmName: 'TargetTracking-x' }],
    });
    app.fake.alarms.set('shop-prod-v001-cpu-high', {
      AlarmName: 'shop-prod-v001-cpu-high',
      Namespace: 'AWS/ECS',
      MetricName: 'CPUUtilization',
      Statistic: 'Average',
      Dimensions: [{ Name: 'ClusterName', Value: 'main' }, { Name: 'ServiceName', Value: 'shop-prod-v001' }],
      AlarmActions: [oldArn, 'arn:aws:sns:us-east-1:123456789012:ops'],
      Period: 60,
      EvaluationPeriods: 2,
      Threshold: 70,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    app.fake.scheduled.set(`${from}|nightly`, { ResourceId: from, ScheduledActionName: 'nightly', Schedule: 'cron(0 22 * * ? *)', ScalableTargetAction: { MinCapacity: 1, MaxCapacity: 2 } });
    const t = await app.task(
      (await app.post('/ecs/ops/createServerGroup', description({ source: { account: 'prod', region: 'us-east-1', asgName: 'shop-prod-v001', useSourceCapacity: true } }))).body.id,
    );
    expect(t.status.failed).toBe(false);
    const to = 'service/main/shop-prod-v002';
    expect(app.fake.scalableTargets.get(to)).toMatchObject({ MinCapacity: 2, MaxCapacity: 10 });
    expect(app.fake.calls.find((c) => c.command === 'CreateService')!.input.desiredCount).toBe(3);
    const newPolicy = app.fake.policies.get(`${to}|shop-prod-v002-cpu-high`)!;
    expect(newPolicy.StepScalingPolicyConfiguration).toEqual({ AdjustmentType: 'ChangeInCapacity', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] });
    const alarm = app.fake.alarms.get('shop-prod-v002-cpu-high')!;
    expect(alarm.Dimensions).toEqual([{ Name: 'ClusterName', Value: 'main' }, { Name: 'ServiceName', Value: 'shop-prod-v002' }]);
    expect(alarm.AlarmActions).toEqual([newPolicy.PolicyARN, 'arn:aws:sns:us-east-1:123456789012:ops']);
    expect(app.fake.alarms.has('TargetTracking-x-shop-prod-v002')).toBe(false);
    expect(app.fake.scheduled.get(`${to}|nightly-shop-prod-v002`)).toMatchObject({ Schedule: 'cron(0 22 * * ? *)', ScalableTargetAction: { MinCapacity: 1, MaxCapacity: 2 } });
    expect(history(t)).toContain('Copied alarm shop-prod-v001-cpu-high → shop-prod-v002-cpu-high.');
  });

  it('creates target-tracking policies from scratch, incl. ALB request count with its resource label', async () => {
    const t = await app.task(
      (
        await app.post(
          '/ecs/ops/createServerGroup',
          description({ scalingPolicies: [{ targetValue: 60 }, { name: 'rps', predefinedMetricType: 'ALBRequestCountPerTarget', targetValue: 500 }] }),
        )
      ).body.id,
    );
    expect(t.status.failed).toBe(false);
    const rps = app.fake.policies.get('service/main/shop-prod-v000|rps')!;
    expect(rps.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification).toEqual({
      PredefinedMetricType: 'ALBRequestCountPerTarget',
      ResourceLabel: 'app/shop/def/targetgroup/shop-prod/abc',
    });
  });

  it('accepts clouddriver\'s POST /ecs/ops list form', async () => {
    const res = await app.post('/ecs/ops', [{ createServerGroup: description() }]);
    expect(res.status).toBe(202);
    const t = await app.task(res.body.id);
    expect(t.status.failed).toBe(false);
    const bad = await app.post('/ecs/ops', [{ fooServerGroup: {} }]);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ field: '$.body[0].fooServerGroup' });
  });

  it('refuses an account the caller may not write (403)', async () => {
    const res = await app.post('/ecs/ops/createServerGroup', description({ credentials: 'locked' }), { 'X-SPINNAKER-USER': 'bob', 'X-SPINNAKER-ACCOUNTS': 'prod' });
    expect(res.status).toBe(403);
  });
});

describe('disable / enable / resize / destroy', () => {
  const ref = { credentials: 'prod', region: 'us-east-1', serverGroupName: 'shop-prod-v003' };

  it('disable suspends scaling and sets desired 0; enable restores the previous desired count, not the max', async () => {
    app.fake.seedService('shop-prod-v003', { desired: 3 });
    app.fake.scalableTargets.set('service/main/shop-prod-v003', { ResourceId: 'service/main/shop-prod-v003', MinCapacity: 1, MaxCapacity: 10 });
    const d = await app.task((await app.post('/ecs/ops/disableServerGroup', ref)).body.id);
    expect(d.status.failed).toBe(false);
    expect(app.fake.services.get('main/shop-prod-v003')?.desiredCount).toBe(0);
    expect(app.fake.scalableTargets.get('service/main/shop-prod-v003')?.SuspendedState).toEqual({
      DynamicScalingInSuspended: true,
      DynamicScalingOutSuspended: true,
      ScheduledScalingSuspended: true,
    });
    const e = await app.task((await app.post('/ecs/ops/enableServerGroup', ref)).body.id);
    expect(e.status.failed).toBe(false);
    expect(app.fake.services.get('main/shop-prod-v003')?.desiredCount).toBe(3);
    expect(app.fake.scalableTargets.get('service/main/shop-prod-v003')?.SuspendedState.DynamicScalingOutSuspended).toBe(false);
    expect(history(e)).toContain('Enabled shop-prod-v003: desired count 3 (the count before it was disabled).');
  });

  it('enable without a saved count falls back to the scalable-target max', async () => {
    app.fake.seedService('shop-prod-v003', { desired: 0 });
    app.fake.scalableTargets.set('service/main/shop-prod-v003', { ResourceId: 'service/main/shop-prod-v003', MinCapacity: 1, MaxCapacity: 5 });
    await app.task((await app.post('/ecs/ops/enableServerGroup', ref)).body.id);
    expect(app.fake.services.get('main/shop-prod-v003')?.desiredCount).toBe(5);
  });

  it('resize sets desired and min/max', async () => {
    app.fake.seedService('shop-prod-v003', { desired: 1 });
    const t = await app.task((await app.post('/ecs/ops/resizeServerGroup', { ...ref, capacity: { min: 2, max: 6, desired: 4 } })).body.id);
    expect(t.status.failed).toBe(false);
    expect(app.fake.services.get('main/shop-prod-v003')?.desiredCount).toBe(4);
    expect(app.fake.scalableTargets.get('service/main/shop-prod-v003')).toMatchObject({ MinCapacity: 2, MaxCapacity: 6 });
  });

  it('destroy deletes alarms, scaling, the service and deregisters its task definition', async () => {
    const s = app.fake.seedService('shop-prod-v003', { desired: 2 });
    const rid = 'service/main/shop-prod-v003';
    app.fake.scalableTargets.set(rid, { ResourceId: rid });
    app.fake.policies.set(`${rid}|p`, { PolicyName: 'p', ResourceId: rid, Alarms: [{ AlarmName: 'a1' }] });
    app.fake.alarms.set('a1', { AlarmName: 'a1' });
    const t = await app.task((await app.post('/ecs/ops/destroyServerGroup', ref)).body.id);
    expect(t.status.failed).toBe(false);
    expect(app.fake.alarms.size).toBe(0);
    expect(app.fake.policies.size).toBe(0);
    expect(app.fake.scalableTargets.has(rid)).toBe(false);
    expect(app.fake.services.get('main/shop-prod-v003')?.status).toBe('DRAINING');
    expect(app.fake.taskDefinitions.get(s.taskDefinition!)?.status).toBe('INACTIVE');
  });

  it('a destroy that fails half-way says what is still in place', async () => {
    const s = app.fake.seedService('shop-prod-v003', { desired: 2 });
    app.fake.failNext('DeleteService', new ClientException({ message: 'nope', $metadata: {} }));
    const t = await app.task((await app.post('/ecs/ops/destroyServerGroup', ref)).body.id);
    expect(t.status.failed).toBe(true);
    expect(history(t)).toContain(
      `Destroy of shop-prod-v003 stopped while deleting the service; still in place: service shop-prod-v003 and task definition ${s.taskDefinition}. Re-run destroyServerGroup to finish.`,
    );
  });

  it('a disable that fails after suspending scaling says so', async () => {
    app.fake.seedService('shop-prod-v003', { desired: 2 });
    app.fake.scalableTargets.set('service/main/shop-prod-v003', { ResourceId: 'service/main/shop-prod-v003' });
    app.fake.failNext('UpdateService', throttling(), 10);
    const t = await app.task((await app.post('/ecs/ops/disableServerGroup', ref)).body.id);
    expect(t.status).toMatchObject({ failed: true, retryable: true });
    expect(history(t)).toContain(
      'Disable of shop-prod-v003 stopped: the service still runs with desired count 2; its scaling remains suspended (enableServerGroup resumes it).',
    );
  });

  it('a missing server group fails the task with a not-found message', async () => {
    const t = await app.task((await app.post('/ecs/ops/disableServerGroup', ref)).body.id);
    expect(t.status.failed).toBe(true);
    expect(t.resultObjects[0].message).toBe('Server group shop-prod-v003 was not found in any ECS cluster (prod, us-east-1).');
  });

  it('requires a server group name', async () => {
    const res = await app.post('/ecs/ops/disableServerGroup', { credentials: 'prod', region: 'us-east-1' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: '$.body.serverGroupName', message: 'not.nullable' }]);
  });
});

describe('POST /ecs/ops/deploy', () => {
  it('redblack: creates, waits until healthy, disables the old one', async () => {
    app.fake.seedService('shop-prod-v001', { desired: 2 });
    const t = await app.task((await app.post('/ecs/ops/deploy', description({ strategy: 'redblack' }))).body.id);
    expect(t.status.failed).toBe(false);
    expect(app.fake.services.get('main/shop-prod-v002')?.desiredCount).toBe(2);
    expect(app.fake.services.get('main/shop-prod-v001')?.desiredCount).toBe(0);
    expect(history(t)).toContain('Deployed shop-prod-v002 with strategy redblack.');
  });

  it('highlander: destroys every older server group', async () => {
    app.fake.seedService('shop-prod-v001', { desired: 2 });
    app.fake.seedService('shop-prod-v002', { desired: 0 });
    const t = await app.task((await app.post('/ecs/ops/deploy', description({ strategy: 'highlander' }))).body.id);
    expect(t.status.failed).toBe(false);
    expect(app.fake.services.get('main/shop-prod-v001')?.status).toBe('DRAINING');
    expect(app.fake.services.get('main/shop-prod-v002')?.status).toBe('DRAINING');
    expect(app.fake.services.get('main/shop-prod-v003')?.status).toBe('ACTIVE');
  });

  it('says the new server group serves when disabling the old one fails', async () => {
    app.fake.seedService('shop-prod-v001', { desired: 2 });
    // The first UpdateService of the task is the disable of v001 (create uses CreateService).
    app.fake.failNext('UpdateService', new ClientException({ message: 'denied', $metadata: {} }));
    const t0 = await app.post('/ecs/ops/deploy', description({ strategy: 'redblack' }));
    const t = await app.task(t0.body.id);
    expect(t.status.failed).toBe(true);
    expect(history(t)).toContain('shop-prod-v002 is deployed and serving, but the redblack clean-up of older server groups stopped; check shop-prod-v001.');
    expect(app.fake.services.get('main/shop-prod-v002')?.status).toBe('ACTIVE');
  });

  it.each([
    ['never healthy (timeout)', false as const],
    ['rollout FAILED', 'failed' as const],
  ])('rolls back when the new service is %s and leaves the old one serving', async (_n, health) => {
    app.fake.seedService('shop-prod-v001', { desired: 2 });
    app.fake.health = health;
    const t = await app.task((await app.post('/ecs/ops/deploy', description({ strategy: 'redblack', maxWaitSeconds: 600 }))).body.id);
    expect(t.status.failed).toBe(true);
    expect(app.fake.services.get('main/shop-prod-v001')).toMatchObject({ status: 'ACTIVE', desiredCount: 2 });
    expect(app.fake.services.get('main/shop-prod-v002')?.status).toBe('DRAINING');
    expect(history(t)).toContain('Rolled back: shop-prod-v002 was destroyed; shop-prod-v001 kept serving.');
  });
});
