import { describe, expect, it } from 'vitest';
import { cloudFormationTemplate, cloudFormationYaml, describeOutput, registerRequest } from '../__fixtures__/taskDefinitions.js';
import { parseTaskDefinitionArtifact } from './parseTaskDefinitionArtifact.js';

const pick = (r: ReturnType<typeof parseTaskDefinitionArtifact>, action: string) =>
  r.report.filter((e) => e.action === action).map((e) => (e.to !== undefined ? `${e.pointer} -> ${e.to}` : e.pointer));

describe('parseTaskDefinitionArtifact: input shapes', () => {
  const cases: [string, { given: unknown; family: string; dropped?: string[]; renamed?: string[]; unwrapped?: string[]; tags?: unknown }][] = [
    ['RegisterTaskDefinition request (object)', { given: registerRequest, family: 'PLACEHOLDER', dropped: [], renamed: [] }],
    ['RegisterTaskDefinition request (JSON text)', { given: JSON.stringify(registerRequest, null, 2), family: 'PLACEHOLDER', dropped: [] }],
    [
      'DescribeTaskDefinition output wrapped in taskDefinition, with tags',
      {
        given: JSON.stringify(describeOutput),
        family: 'web',
        unwrapped: ['/taskDefinition -> '],
        dropped: [
          '/taskDefinition/taskDefinitionArn',
          '/taskDefinition/revision',
          '/taskDefinition/status',
          '/taskDefinition/requiresAttributes',
          '/taskDefinition/compatibilities',
          '/taskDefinition/registeredAt',
          '/taskDefinition/registeredBy',
        ],
        tags: [{ key: 'team', value: 'payments' }],
      },
    ],
    [
      'DescribeTaskDefinition output, bare',
      {
        given: describeOutput.taskDefinition,
        family: 'web',
        dropped: ['/taskDefinitionArn', '/revision', '/status', '/requiresAttributes', '/compatibilities', '/registeredAt', '/registeredBy'],
      },
    ],
    [
      'YAML, first document only',
      { given: 'family: one\ncontainerDefinitions:\n  - name: a\n    image: nginx:1\n---\nfamily: two\n', family: 'one', dropped: [] },
    ],
    [
      'CloudFormation template with one task definition',
      { given: cloudFormationTemplate, family: 'web', unwrapped: ['/Resources/TaskDef -> ', '/Resources/TaskDef/Properties -> '] },
    ],
  ];
  it.each(cases)('%s', (_name, want) => {
    const r = parseTaskDefinitionArtifact(want.given);
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(r.taskDefinition?.family).toBe(want.family);
    expect(r.taskDefinition?.containerDefinitions.map((c) => c.name)).toBeDefined();
    if (want.dropped) expect(pick(r, 'dropped')).toEqual(want.dropped);
    if (want.renamed) expect(pick(r, 'renamed')).toEqual(want.renamed);
    if (want.unwrapped) expect(pick(r, 'unwrapped')).toEqual(want.unwrapped);
    if (want.tags) expect(r.taskDefinition?.tags).toEqual(want.tags);
  });

  it('reads CloudFormation PascalCase YAML and reports every rename and conversion by pointer', () => {
    const r = parseTaskDefinitionArtifact(cloudFormationYaml);
    expect(r.findings).toEqual([]);
    expect(r.taskDefinition).toEqual({
      family: 'web',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '512',
      memory: '1024',
      executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
      proxyConfiguration: { type: 'APPMESH', containerName: 'envoy', properties: [{ name: 'AppPorts', value: '8080' }] },
      volumes: [{ name: 'data', efsVolumeConfiguration: { fileSystemId: 'fs-12345678' } }],
      containerDefinitions: [
        {
          name: 'web',
          image: 'PLACEHOLDER',
          portMappings: [{ containerPort: 8080 }],
          mountPoints: [{ sourceVolume: 'data', containerPath: '/data' }],
          dockerLabels: { 'com.example.Team': 'payments' },
          environment: [{ name: 'LOG_LEVEL', value: 'info' }],
        },
        { name: 'envoy', image: 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod', essential: true },
      ],
    });
    expect(pick(r, 'unwrapped')).toEqual(['/Properties -> ']);
    expect(pick(r, 'renamed')).toContain('/Properties/ProxyConfiguration/ProxyConfigurationProperties -> /proxyConfiguration/properties');
    expect(pick(r, 'renamed')).toContain('/Properties/Volumes/0/EFSVolumeConfiguration -> /volumes/0/efsVolumeConfiguration');
    expect(pick(r, 'renamed')).toContain('/Properties/ContainerDefinitions/0/Name -> /containerDefinitions/0/name');
    // Docker label keys are user data: never renamed.
    expect(pick(r, 'renamed').some((p) => p.includes('com.example.Team'))).toBe(false);
    expect(pick(r, 'converted')).toEqual([
      '/Properties/Cpu -> /cpu',
      '/Properties/ContainerDefinitions/0/PortMappings/0/ContainerPort -> /containerDefinitions/0/portMappings/0/containerPort',
      '/Properties/ContainerDefinitions/1/Essential -> /containerDefinitions/1/essential',
    ]);
  });

  it('drops unknown fields and nulls with a reason, instead of rejecting (#5203) or losing them silently', () => {
    const r = parseTaskDefinitionArtifact({
      family: 'x',
      someFutureField: { a: 1 },
      pidMode: null,
      containerDefinitions: [{ name: 'a', image: 'nginx', madeUp: true, environment: [null, { name: 'A', value: 'b' }] }],
    });
    expect(r.report.filter((e) => e.action === 'dropped').map((e) => [e.pointer, e.reason])).toEqual([
      ['/someFutureField', 'not a RegisterTaskDefinition field'],
      ['/pidMode', 'null value'],
      ['/containerDefinitions/0/madeUp', 'not a RegisterTaskDefinition field'],
      ['/containerDefinitions/0/environment/0', 'null item'],
    ]);
    expect(r.taskDefinition?.containerDefinitions[0]?.environment).toEqual([{ name: 'A', value: 'b' }]);
  });

  it('escapes JSON pointer segments (RFC 6901)', () => {
    const r = parseTaskDefinitionArtifact({ family: 'x', 'a/b~c': 1, containerDefinitions: [{ name: 'a', image: 'nginx' }] });
    expect(r.report[0]?.pointer).toBe('/a~1b~0c');
  });

  it('keeps the tags of a wrapped Describe output and drops other siblings', () => {
    const r = parseTaskDefinitionArtifact({ taskDefinition: { family: 'x', containerDefinitions: [{ name: 'a', image: 'nginx' }] }, ResponseMetadata: {} });
    expect(pick(r, 'dropped')).toEqual(['/ResponseMetadata']);
  });
});

describe('parseTaskDefinitionArtifact: errors', () => {
  const cases: [string, { given: unknown; code: string; pointer: string; message: string | RegExp }][] = [
    ['empty text', { given: '  \n', code: 'ARTIFACT_PARSE', pointer: '', message: 'The task definition artifact is empty.' }],
    ['malformed JSON', { given: '{"family": "x",', code: 'ARTIFACT_PARSE', pointer: '', message: /^The task definition artifact is not valid JSON: / }],
    ['malformed YAML', { given: 'family: [x\n', code: 'ARTIFACT_PARSE', pointer: '', message: /^The task definition artifact is not valid YAML: / }],
    ['duplicate YAML keys', { given: 'family: a\nfamily: b\n', code: 'ARTIFACT_PARSE', pointer: '', message: /not valid YAML/ }],
    ['a list, not an object', { given: '[1,2]', code: 'ARTIFACT_NOT_OBJECT', pointer: '', message: 'The task definition artifact must be a JSON or YAML object.' }],
    ['a scalar', { given: 42, code: 'ARTIFACT_NOT_OBJECT', pointer: '', message: 'The task definition artifact must be a JSON or YAML object.' }],
    [
      'no containers',
      { given: { family: 'x', containerDefinitions: [] }, code: 'NO_CONTAINERS', pointer: '/containerDefinitions', message: 'Provided task definition does not contain any container definitions.' },
    ],
    [
      'no containerDefinitions in a wrapper',
      {
        given: { taskDefinition: { family: 'x' } },
        code: 'NO_CONTAINERS',
        pointer: '/taskDefinition/containerDefinitions',
        message: 'Provided task definition does not contain any container definitions.',
      },
    ],
    [
      'wrong type deep inside',
      {
        given: { family: 'x', containerDefinitions: [{ name: 'a', portMappings: [{ containerPort: 'http' }] }] },
        code: 'ARTIFACT_FIELD_TYPE',
        pointer: '/containerDefinitions/0/portMappings/0/containerPort',
        message: '/containerDefinitions/0/portMappings/0/containerPort must be an integer.',
      },
    ],
    [
      'containerDefinitions not a list',
      { given: { containerDefinitions: { name: 'a' } }, code: 'ARTIFACT_FIELD_TYPE', pointer: '/containerDefinitions', message: '/containerDefinitions must be an array.' },
    ],
    [
      'docker label that is an object',
      {
        given: { containerDefinitions: [{ name: 'a', dockerLabels: { x: { y: 1 } } }] },
        code: 'ARTIFACT_FIELD_TYPE',
        pointer: '/containerDefinitions/0/dockerLabels/x',
        message: '/containerDefinitions/0/dockerLabels/x must be a string.',
      },
    ],
    [
      'keys differing only in case',
      {
        given: { family: 'a', Family: 'b', containerDefinitions: [{ name: 'a' }] },
        code: 'ARTIFACT_DUPLICATE_FIELD',
        pointer: '/Family',
        message: '/Family duplicates /family (keys differ only in case).',
      },
    ],
    [
      'CloudFormation intrinsic function',
      {
        given: { Family: 'x', ExecutionRoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] }, ContainerDefinitions: [{ Name: 'a' }] },
        code: 'ARTIFACT_CLOUDFORMATION_INTRINSIC',
        pointer: '/ExecutionRoleArn',
        message: '/ExecutionRoleArn uses the CloudFormation function Fn::GetAtt, which is not evaluated here; give the value (or render the template) instead.',
      },
    ],
    [
      'CloudFormation template with two task definitions',
      {
        given: { Resources: { A: { Type: 'AWS::ECS::TaskDefinition' }, B: { Type: 'AWS::ECS::TaskDefinition' } } },
        code: 'ARTIFACT_CLOUDFORMATION_AMBIGUOUS',
        pointer: '/Resources',
        message: 'The CloudFormation template has 2 AWS::ECS::TaskDefinition resources; expected exactly 1.',
      },
    ],
  ];
  it.each(cases)('%s', (_name, want) => {
    const r = parseTaskDefinitionArtifact(want.given);
    expect(r.taskDefinition).toBeUndefined();
    const e = r.findings.find((f) => f.severity === 'error');
    expect(e).toMatchObject({ code: want.code, in: 'artifact', pointer: want.pointer });
    if (typeof want.message === 'string') expect(e?.message).toBe(want.message);
    else expect(e?.message).toMatch(want.message);
  });

  it('warns when a YAML artifact has several documents', () => {
    const r = parseTaskDefinitionArtifact('containerDefinitions: [{name: a}]\n---\nfamily: b\n');
    expect(r.findings).toEqual([
      { severity: 'warning', code: 'ARTIFACT_EXTRA_DOCUMENTS', in: 'artifact', pointer: '', message: 'The artifact holds 2 YAML documents; only the first was used.' },
    ]);
  });
});
