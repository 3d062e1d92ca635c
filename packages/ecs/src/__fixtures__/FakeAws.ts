import { ClientException, ECSServiceException, ServiceNotFoundException, type Service, type TaskDefinition } from '@aws-sdk/client-ecs';
import { TargetGroupNotFoundException } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ValidationException as AasValidationException, ObjectNotFoundException } from '@aws-sdk/client-application-auto-scaling';
import { NoSuchKey } from '@aws-sdk/client-s3';
import { ImageNotFoundException } from '@aws-sdk/client-ecr';
import { createAwsClientFactory, type AwsClientFactory } from '@outrigger/runtime';

type Cmd = { input: Record<string, any>; constructor: { name: string } };
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

export function throttling(): Error {
  return new ECSServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'Rate exceeded' });
}

/**
 * Stateful fakes of the AWS clients the ECS provider uses, dispatching on the command class name. `failNext(cmd, err)`
 * queues errors (throttling, partial failures); `calls` records every command for assertions.
 */
export class FakeAws {
  calls: { client: string; command: string; input: Record<string, any> }[] = [];
  private failures = new Map<string, Error[]>();
  /** New services become steady/healthy (true), never do (false) or report a FAILED rollout ('failed'). */
  health: boolean | 'failed' = true;

  // ECS
  taskDefinitions = new Map<string, TaskDefinition>();
  revisions = new Map<string, number>();
  services = new Map<string, Service>();
  tags = new Map<string, { key: string; value: string }[]>();
  clusters = ['main'];
  // ELBv2
  targetGroups = new Map<string, { TargetGroupArn: string; TargetGroupName: string; LoadBalancerArns: string[] }>();
  // Application Auto Scaling
  scalableTargets = new Map<string, Record<string, any>>();
  policies = new Map<string, Record<string, any>>();
  scheduled = new Map<string, Record<string, any>>();
  // CloudWatch
  alarms = new Map<string, Record<string, any>>();
  // S3
  objects = new Map<string, string>();
  // EC2
  subnets: { SubnetId: string; VpcId: string; AvailabilityZone: string; Tags?: { Key: string; Value: string }[] }[] = [];
  securityGroups: { GroupId: string; GroupName: string; VpcId: string }[] = [];
  // ECR: `repo:tag` → digest
  ecrImages = new Map<string, string>();
  // Cloud Map
  sdServices = new Map<string, string>();

  /**
   * Freezes the process's view at `command`: the call before it has taken effect and this one never answers, as if
   * the process were killed with SIGKILL at that point (no clean-up runs). AWS state stays for the next process.
   */
  freezeAt?: { command: string; after: number };
  freezeAtCall(command: string, after = 0): void {
    this.freezeAt = { command, after };
  }

  failNext(command: string, err: Error, times = 1): void {
    const q = this.failures.get(command) ?? [];
    for (let i = 0; i < times; i++) q.push(err);
    this.failures.set(command, q);
  }

  factory(): AwsClientFactory {
    return createAwsClientFactory({
      config: { aws: { defaultRegions: [{ name: REGION }], accounts: [], client: { maxAttempts: 1 } } },
      makeClient: (cls) => ({ send: (cmd: Cmd) => this.send(cls.name, cmd) }) as never,
    });
  }

  /** Seeds an existing server group (service + task definition + scalable target). */
  seedService(name: string, opts: { cluster?: string; desired?: number; status?: string; family?: string; image?: string; createdAt?: Date } = {}): Service {
    const cluster = opts.cluster ?? 'main';
    const family = opts.family ?? name.replace(/-v\d{3}$/, '');
    const td = this.register({ family, containerDefinitions: [{ name: 'web', image: opts.image ?? 'nginx:1', portMappings: [{ containerPort: 8080 }] }] });
    const s: Service = {
      serviceName: name,
      serviceArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${cluster}/${name}`,
      clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${cluster}`,
      status: opts.status ?? 'ACTIVE',
      desiredCount: opts.desired ?? 2,
      runningCount: opts.desired ?? 2,
      taskDefinition: td.taskDefinitionArn!,
      createdAt: opts.createdAt ?? new Date(Date.UTC(2025, 0, 1)),
      deployments: [{ status: 'PRIMARY', rolloutState: 'COMPLETED' }],
    };
    this.services.set(`${cluster}/${name}`, s);
    return s;
  }

  private register(input: Record<string, any>): TaskDefinition {
    const rev = (this.revisions.get(input.family) ?? 0) + 1;
    this.revisions.set(input.family, rev);
    const arn = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${input.family}:${rev}`;
    const td: TaskDefinition = { ...structuredClone(input), taskDefinitionArn: arn, revision: rev, status: 'ACTIVE' };
    this.taskDefinitions.set(arn, td);
    return td;
  }

  private view(s: Service): Service {
    const desired = s.desiredCount ?? 0;
    const fresh = (s as { fresh?: boolean }).fresh;
    if (!fresh || this.health === true) return { ...s, runningCount: desired, deployments: [{ status: 'PRIMARY', rolloutState: 'COMPLETED' }] };
    if (this.health === 'failed') return { ...s, runningCount: 0, deployments: [{ status: 'PRIMARY', rolloutState: 'FAILED', rolloutStateReason: 'tasks failed to start' }] };
    return { ...s, runningCount: 0, deployments: [{ status: 'PRIMARY', rolloutState: 'IN_PROGRESS' }] };
  }

  async send(client: string, cmd: Cmd): Promise<any> {
    const name = cmd.constructor.name.replace(/Command$/, '');
    const input = cmd.input;
    if (this.freezeAt?.command === name) {
      if (this.freezeAt.after-- <= 0) {
        this.freezeAt = undefined;
        return new Promise(() => {});
      }
    }
    this.calls.push({ client, command: name, input: structuredClone(input) });
    const queued = this.failures.get(name);
    if (queued?.length) throw queued.shift();
    const svcKey = (cluster: string, service: string) => `${cluster.slice(cluster.lastIndexOf('/') + 1)}/${service.slice(service.lastIndexOf('/') + 1)}`;
    const notFound = (m: string) => new ServiceNotFoundException({ message: m, $metadata: {} });
    switch (name) {
      // ---- ECS
      case 'RegisterTaskDefinition':
        if (!input.containerDefinitions?.length) throw new ClientException({ message: 'Container list cannot be empty.', $metadata: {} });
        return { taskDefinition: this.register(input) };
      case 'DescribeTaskDefinition': {
        const td =
          this.taskDefinitions.get(input.taskDefinition) ??
          [...this.taskDefinitions.values()].find((t) => `${t.family}:${t.revision}` === input.taskDefinition) ??
          [...this.taskDefinitions.values()].filter((t) => t.family === input.taskDefinition).at(-1);
        if (!td) throw new ClientException({ message: 'Unable to describe task definition.', $metadata: {} });
        return { taskDefinition: td, tags: [] };
      }
      case 'DeregisterTaskDefinition': {
        const td = this.taskDefinitions.get(input.taskDefinition);
        if (!td) throw new ClientException({ message: 'The specified task definition does not exist.', $metadata: {} });
        td.status = 'INACTIVE';
        return { taskDefinition: td };
      }
      case 'ListClusters':
        return { clusterArns: this.clusters.map((c) => `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${c}`) };
      case 'ListServices':
        return {
          serviceArns: [...this.services.entries()]
            .filter(([k, s]) => k.startsWith(input.cluster + '/') && s.status !== 'INACTIVE')
            .map(([, s]) => s.serviceArn),
        };
      case 'DescribeServices': {
        const services: Service[] = [];
        const failures: { arn: string; reason: string }[] = [];
        for (const n of input.services as string[]) {
          const s = this.services.get(svcKey(input.cluster, n));
          if (s) services.push(this.view(s));
          else failures.push({ arn: n, reason: 'MISSING' });
        }
        return { services, failures };
      }
      case 'CreateService': {
        const key = svcKey(input.cluster, input.serviceName);
        const existing = this.services.get(key);
        if (existing && existing.status !== 'INACTIVE') throw new ClientException({ message: 'Creation of service was not idempotent.', $metadata: {} });
        if (!this.taskDefinitions.has(input.taskDefinition)) throw new ClientException({ message: 'TaskDefinition not found.', $metadata: {} });
        const s: Service & { fresh: boolean } = {
          serviceName: input.serviceName,
          serviceArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${input.cluster}/${input.serviceName}`,
          status: 'ACTIVE',
          desiredCount: input.desiredCount,
          runningCount: 0,
          taskDefinition: input.taskDefinition,
          createdAt: new Date(Date.UTC(2025, 5, 1) + this.services.size * 1000),
          fresh: true,
        };
        this.services.set(key, s);
        this.tags.set(s.serviceArn!, [...(input.tags ?? [])]);
        return { service: s };
      }
      case 'UpdateService': {
        const s = this.services.get(svcKey(input.cluster, input.service));
        if (!s || s.status !== 'ACTIVE') throw notFound('Service not found.');
        if (input.desiredCount !== undefined) s.desiredCount = input.desiredCount;
        return { service: s };
      }
      case 'DeleteService': {
        const s = this.services.get(svcKey(input.cluster, input.service));
        if (!s || s.status !== 'ACTIVE') throw notFound('Service not found.');
        if ((s.desiredCount ?? 0) > 0 && !input.force) throw new ClientException({ message: 'The service cannot be stopped while it is scaled above 0.', $metadata: {} });
        s.status = 'DRAINING';
        return { service: s };
      }
      case 'TagResource': {
        const list = this.tags.get(input.resourceArn) ?? [];
        for (const t of input.tags) {
          const i = list.findIndex((x) => x.key === t.key);
          if (i >= 0) list[i] = t;
          else list.push(t);
        }
        this.tags.set(input.resourceArn, list);
        return {};
      }
      case 'UntagResource':
        this.tags.set(input.resourceArn, (this.tags.get(input.resourceArn) ?? []).filter((t) => !input.tagKeys.includes(t.key)));
        return {};
      case 'ListTagsForResource':
        return { tags: this.tags.get(input.resourceArn) ?? [] };
      // ---- ELBv2
      case 'DescribeTargetGroups': {
        const list = input.Names
          ? input.Names.map((n: string) => this.targetGroups.get(n))
          : [...this.targetGroups.values()].filter((t) => input.TargetGroupArns.includes(t.TargetGroupArn));
        if (list.some((x: unknown) => !x)) throw new TargetGroupNotFoundException({ message: 'One or more target groups not found', $metadata: {} });
        return { TargetGroups: list };
      }
      // ---- Application Auto Scaling
      case 'RegisterScalableTarget': {
        const prev = this.scalableTargets.get(input.ResourceId);
        this.scalableTargets.set(input.ResourceId, { ...prev, ...input, SuspendedState: { ...prev?.SuspendedState, ...input.SuspendedState } });
        return {};
      }
      case 'DescribeScalableTargets':
        return { ScalableTargets: (input.ResourceIds as string[]).flatMap((id) => (this.scalableTargets.has(id) ? [this.scalableTargets.get(id)] : [])) };
      case 'DeregisterScalableTarget':
        if (!this.scalableTargets.delete(input.ResourceId)) throw new ObjectNotFoundException({ message: 'No scalable target', $metadata: {} });
        return {};
      case 'PutScalingPolicy': {
        const arn = `arn:aws:autoscaling:${REGION}:${ACCOUNT}:scalingPolicy:${input.ResourceId}:policyName/${input.PolicyName}`;
        this.policies.set(`${input.ResourceId}|${input.PolicyName}`, { ...input, PolicyARN: arn, Alarms: this.policies.get(`${input.ResourceId}|${input.PolicyName}`)?.Alarms ?? [] });
        return { PolicyARN: arn };
      }
      case 'DescribeScalingPolicies':
        return { ScalingPolicies: [...this.policies.values()].filter((p) => p.ResourceId === input.ResourceId) };
      case 'DeleteScalingPolicy':
        if (!this.policies.delete(`${input.ResourceId}|${input.PolicyName}`)) throw new ObjectNotFoundException({ message: 'No policy', $metadata: {} });
        return {};
      case 'PutScheduledAction':
        if (!input.Schedule) throw new AasValidationException({ message: 'Schedule required', $metadata: {} });
        this.scheduled.set(`${input.ResourceId}|${input.ScheduledActionName}`, { ...input });
        return {};
      case 'DescribeScheduledActions':
        return { ScheduledActions: [...this.scheduled.values()].filter((a) => a.ResourceId === input.ResourceId) };
      case 'DeleteScheduledAction':
        this.scheduled.delete(`${input.ResourceId}|${input.ScheduledActionName}`);
        return {};
      // ---- CloudWatch
      case 'PutMetricAlarm':
        this.alarms.set(input.AlarmName, { ...input });
        for (const p of this.policies.values()) {
          if ((input.AlarmActions ?? []).includes(p.PolicyARN) && !p.Alarms.some((a: { AlarmName: string }) => a.AlarmName === input.AlarmName)) {
            p.Alarms.push({ AlarmName: input.AlarmName, AlarmARN: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${input.AlarmName}` });
          }
        }
        return {};
      case 'DescribeAlarms':
        return { MetricAlarms: (input.AlarmNames as string[]).flatMap((n) => (this.alarms.has(n) ? [this.alarms.get(n)] : [])) };
      case 'DeleteAlarms':
        for (const n of input.AlarmNames) this.alarms.delete(n);
        return {};
      // ---- S3
      case 'GetObject': {
        const body = this.objects.get(`${input.Bucket}/${input.Key}`);
        if (body === undefined) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } });
        return { ContentLength: Buffer.byteLength(body), Body: { transformToString: async () => body } };
      }
      // ---- EC2
      case 'DescribeSubnets':
        if (input.SubnetIds) return { Subnets: this.subnets.filter((x) => input.SubnetIds.includes(x.SubnetId)) };
        return { Subnets: this.subnets.filter((x) => x.Tags?.some((t) => t.Key === 'immutable_metadata')) };
      case 'DescribeSecurityGroups': {
        const names: string[] = input.Filters.find((f: { Name: string }) => f.Name === 'group-name')?.Values ?? [];
        const vpcs: string[] | undefined = input.Filters.find((f: { Name: string }) => f.Name === 'vpc-id')?.Values;
        return { SecurityGroups: this.securityGroups.filter((g) => names.includes(g.GroupName) && (!vpcs || vpcs.includes(g.VpcId))) };
      }
      // ---- ECR
      case 'DescribeImages': {
        const digest = this.ecrImages.get(`${input.repositoryName}:${input.imageIds[0].imageTag}`);
        if (!digest) throw new ImageNotFoundException({ message: 'The image requested does not exist', $metadata: {} });
        return { imageDetails: [{ repositoryName: input.repositoryName, imageDigest: digest, imageTags: [input.imageIds[0].imageTag] }] };
      }
      // ---- Cloud Map
      case 'GetService':
        return { Service: { Id: input.Id, Arn: this.sdServices.get(input.Id) } };
      default:
        throw new Error(`FakeAws: ${client} ${name} is not faked`);
    }
  }
}
