import { describe, expect, it } from 'vitest';
import { cloudFormationYaml, describeOutput, registerRequest, tenContainers } from '../__fixtures__/taskDefinitions.js';
import { resolveTaskDefinition } from './resolveTaskDefinition.js';

const ECR = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const serverGroup = { clusterName: 'app-prod', serverGroupName: 'app-prod-v012', stack: 'prod', launchType: 'FARGATE', networkMode: 'awsvpc' };
const service = { launchType: 'FARGATE', hasNetworkConfiguration: true, targetGroupMappings: [{ containerName: 'web', containerPort: 8080, targetGroup: 'app-prod' }] };

describe('resolveTaskDefinition: every input shape renders the same task definition', () => {
  const shapes: [string, unknown][] = [
    ['register request', registerRequest],
    ['register request JSON', JSON.stringify(registerRequest)],
    ['describe output wrapped', describeOutput],
    ['describe output bare', describeOutput.taskDefinition],
  ];
  it.each(shapes)('%s', (_n, artifact) => {
    const r = resolveTaskDefinition({ artifact, images: { containerToImageMap: { web: `${ECR}/web:1.0.0` } }, serverGroup, service });
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(r.ok).toBe(true);
    const td = r.taskDefinition!;
    expect(td.family).toBe('app-prod');
    expect(td.containerDefinitions.map((c) => c.image)).toEqual([`${ECR}/web:1.0.0`, 'public.ecr.aws/datadog/agent:7']);
    expect(td).not.toHaveProperty('revision');
    expect(td.containerDefinitions[0]?.environment).toEqual([
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'SERVER_GROUP', value: 'app-prod-v012' },
      { name: 'CLOUD_STACK', value: 'prod' },
      { name: 'CLOUD_DETAIL', value: '' },
    ]);
  });
});

describe('resolveTaskDefinition: precedence artifact < overlays < overrides < injected', () => {
  it('layers values in the declared order', () => {
    const r = resolveTaskDefinition({
      artifact: cloudFormationYaml,
      images: { containerToImageMap: { web: `${ECR}/web:2` } },
      overrides: {
        overlays: [{ containerDefinitions: { web: { environment: [{ name: 'LOG_LEVEL', value: 'warn' }, { name: 'SERVER_GROUP', value: 'from-overlay' }] } } }],
        containers: { web: { environment: { LOG_LEVEL: 'debug', SERVER_GROUP: 'from-override' } } },
        taskRoleArn: 'arn:aws:iam::123456789012:role/prod-web',
      },
      serverGroup: { ...serverGroup, accountRoleArn: 'arn:aws:iam::123456789012:role/spinnaker' },
      service,
    });
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const web = r.taskDefinition!.containerDefinitions[0]!;
    expect(web.environment).toEqual([
      { name: 'LOG_LEVEL', value: 'debug' },
      { name: 'SERVER_GROUP', value: 'app-prod-v012' },
      { name: 'CLOUD_STACK', value: 'prod' },
      { name: 'CLOUD_DETAIL', value: '' },
    ]);
    expect(r.taskDefinition!.taskRoleArn).toBe('arn:aws:iam::123456789012:role/prod-web');
    expect(r.findings).toContainEqual(expect.objectContaining({ severity: 'warning', code: 'INJECTED_ENV_REPLACED' }));
    expect(new Set(r.report.map((e) => e.source))).toEqual(new Set(['artifact', 'overlay', 'override', 'image', 'injected']));
  });

  it('renders without a server group (preview): nothing injected', () => {
    const r = resolveTaskDefinition({ artifact: registerRequest, images: { containerToImageMap: { web: 'nginx:1' } } });
    expect(r.ok).toBe(true);
    expect(r.taskDefinition?.family).toBe('PLACEHOLDER');
    expect(r.taskDefinition?.containerDefinitions[0]?.environment).toEqual([{ name: 'LOG_LEVEL', value: 'info' }]);
  });
});

describe('resolveTaskDefinition: errors are collected, not thrown', () => {
  it('a parse error stops early with no task definition', () => {
    const r = resolveTaskDefinition({ artifact: '{nope' });
    expect(r).toEqual({ ok: false, report: [], findings: [expect.objectContaining({ code: 'ARTIFACT_PARSE' })], images: [] });
  });

  it('collects image, injection and preflight errors together', () => {
    const r = resolveTaskDefinition({
      artifact: { ...registerRequest, networkMode: 'bridge' },
      serverGroup,
      service: { ...service, targetGroupMappings: [{ containerName: 'web', containerPort: 9090, targetGroup: 'tg' }] },
    });
    expect(r.ok).toBe(false);
    expect(r.findings.filter((f) => f.severity === 'error').map((f) => f.code)).toEqual([
      'IMAGE_PLACEHOLDER',
      'NETWORK_MODE_MISMATCH',
      'LB_PORT_UNKNOWN',
      'FARGATE_NETWORK_MODE',
    ]);
  });

  it('handles a ten-container artifact with overlays and artifacts', () => {
    const images = Object.fromEntries(Array.from({ length: 9 }, (_, n) => [`c${n}`, `${ECR}/c${n}:1.${n}`]));
    const r = resolveTaskDefinition({
      artifact: JSON.stringify(tenContainers()),
      images: { containerToImageMap: images },
      overrides: { overlays: [{ containerDefinitions: { c3: { cpu: 256 } } }], containers: { '*': { environment: { VAR_3: 'x', EXTRA: 'y' } } } },
      serverGroup,
      service: { launchType: 'FARGATE', hasNetworkConfiguration: true },
    });
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(r.images.map((i) => i.source)).toEqual([...Array(9).fill('containerToImageMap'), 'kept']);
    expect(r.taskDefinition!.containerDefinitions[3]!.cpu).toBe(256);
    expect(r.taskDefinition!.containerDefinitions[0]!.environment).toHaveLength(24);
  });
});
