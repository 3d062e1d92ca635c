import { describe, expect, it } from 'vitest';
import { applyOverrides, type StageOverrides } from './applyOverrides.js';
import { mergePatch } from './mergePatch.js';
import type { Finding, ReportEntry, TaskDefinition } from './types.js';

const base = (): TaskDefinition => ({
  family: 'x',
  taskRoleArn: 'arn:aws:iam::123456789012:role/dev-app',
  containerDefinitions: [
    {
      name: 'web',
      image: 'nginx:1',
      environment: [
        { name: 'A', value: '1' },
        { name: 'DUP', value: 'first' },
        { name: 'DUP', value: 'second' },
      ],
      secrets: [{ name: 'S', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/old' }],
      dockerLabels: { team: 'a' },
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/dev/web', 'awslogs-region': 'us-east-1' } },
    },
    { name: 'sidecar', image: 'busybox:1', environment: [{ name: 'A', value: 'side' }] },
  ],
});

function run(o: StageOverrides, td: TaskDefinition = base()) {
  const findings: Finding[] = [];
  const report: ReportEntry[] = [];
  const out = applyOverrides(td, o, findings, report);
  return { out, findings, report };
}

describe('mergePatch (RFC 7386)', () => {
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j + %j = %j', (target, patch, want) => expect(mergePatch(target, patch)).toEqual(want));
});

describe('applyOverrides', () => {
  it('upserts environment by name, collapsing duplicates, for one container only', () => {
    const r = run({ containers: { web: { environment: { A: '2', DUP: 'x', NEW: 'n' } } } });
    expect(r.out.containerDefinitions[0]?.environment).toEqual([
      { name: 'A', value: '2' },
      { name: 'DUP', value: 'x' },
      { name: 'NEW', value: 'n' },
    ]);
    expect(r.out.containerDefinitions[1]?.environment).toEqual([{ name: 'A', value: 'side' }]);
    expect(r.report.map((e) => [e.action, e.pointer, e.reason])).toEqual([
      ['replaced', '/containerDefinitions/0/environment/0/value', 'A replaced'],
      ['replaced', '/containerDefinitions/0/environment/1/value', 'DUP replaced'],
      ['set', '/containerDefinitions/0/environment/2', 'NEW added'],
    ]);
  });

  it('applies * to every container and lets a named entry win', () => {
    const r = run({ containers: { '*': { environment: { ENV: 'prod', A: 'star' } }, web: { environment: { A: 'web' } } } });
    expect(r.out.containerDefinitions[0]?.environment?.filter((e) => e.name === 'A')).toEqual([{ name: 'A', value: 'web' }]);
    expect(r.out.containerDefinitions[1]?.environment).toEqual([
      { name: 'A', value: 'star' },
      { name: 'ENV', value: 'prod' },
    ]);
  });

  it('upserts secrets, sets labels, removes variables', () => {
    const r = run({
      containers: {
        web: {
          secrets: { S: 'arn:aws:ssm:us-east-1:123456789012:parameter/new', T: 'arn:aws:ssm:us-east-1:123456789012:parameter/t' },
          dockerLabels: { team: 'b', tier: 'front' },
          removeEnvironment: ['DUP'],
        },
      },
    });
    const web = r.out.containerDefinitions[0]!;
    expect(web.secrets).toEqual([
      { name: 'S', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/new' },
      { name: 'T', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/t' },
    ]);
    expect(web.dockerLabels).toEqual({ team: 'b', tier: 'front' });
    expect(web.environment).toEqual([{ name: 'A', value: '1' }]);
  });

  it('overrides task and execution roles (#6589) and reports it', () => {
    const r = run({ taskRoleArn: 'arn:aws:iam::123456789012:role/prod-app', executionRoleArn: 'arn:aws:iam::123456789012:role/exec' });
    expect(r.out.taskRoleArn).toBe('arn:aws:iam::123456789012:role/prod-app');
    expect(r.out.executionRoleArn).toBe('arn:aws:iam::123456789012:role/exec');
    expect(r.report.map((e) => [e.action, e.pointer])).toEqual([
      ['replaced', '/taskRoleArn'],
      ['set', '/executionRoleArn'],
    ]);
  });

  it('applies merge-patch overlays in order, per container by name, before the env overrides', () => {
    const r = run({
      overlays: [
        { cpu: '1024', containerDefinitions: { web: { logConfiguration: { options: { 'awslogs-group': '/prod/web' } }, dockerLabels: { team: null } } } },
        { cpu: '2048', taskRoleArn: null },
      ],
      containers: { web: { dockerLabels: { team: 'override' } } },
    });
    expect(r.out.cpu).toBe('2048');
    expect(r.out.taskRoleArn).toBeUndefined();
    expect(r.out.containerDefinitions[0]?.logConfiguration).toEqual({ logDriver: 'awslogs', options: { 'awslogs-group': '/prod/web', 'awslogs-region': 'us-east-1' } });
    expect(r.out.containerDefinitions[0]?.dockerLabels).toEqual({ team: 'override' });
    expect(r.report.filter((e) => e.source === 'overlay').map((e) => [e.action, e.pointer, e.reason])).toEqual([
      ['patched', '/cpu', 'overlay 0'],
      ['patched', '/containerDefinitions/0', 'overlay 0'],
      ['patched', '/cpu', 'overlay 1'],
      ['removed', '/taskRoleArn', 'overlay 1'],
    ]);
  });

  it('replaces the container list when an overlay gives an array', () => {
    const r = run({ overlays: [{ containerDefinitions: [{ name: 'only', image: 'x:1' }] }] });
    expect(r.out.containerDefinitions).toEqual([{ name: 'only', image: 'x:1' }]);
  });

  it('does not modify its input', () => {
    const td = base();
    const before = structuredClone(td);
    run({ containers: { web: { environment: { A: 'z' } } }, overlays: [{ cpu: '1' }] }, td);
    expect(td).toEqual(before);
  });

  const errors: [string, { given: StageOverrides; want: Partial<Finding> }][] = [
    [
      'override for an unknown container',
      {
        given: { containers: { api: { environment: { A: '1' } } } },
        want: { code: 'OVERRIDE_UNKNOWN_CONTAINER', pointer: '/overrides/containers/api', container: 'api', message: "Overrides name container 'api', which is not in the task definition." },
      },
    ],
    [
      'overlay for an unknown container',
      {
        given: { overlays: [{ containerDefinitions: { api: { cpu: 1 } } }] },
        want: {
          code: 'OVERLAY_UNKNOWN_CONTAINER',
          pointer: '/overrides/overlays/0/containerDefinitions/api',
          message: "Overlay 0 patches container 'api', which is not in the task definition.",
        },
      },
    ],
    [
      'overlay containerDefinitions of a wrong type',
      {
        given: { overlays: [{ containerDefinitions: 'web' }] },
        want: {
          code: 'OVERLAY_CONTAINERS_TYPE',
          pointer: '/overrides/overlays/0/containerDefinitions',
          message: 'Overlay 0: containerDefinitions must be an array (replace) or an object keyed by container name (patch).',
        },
      },
    ],
    ['overlay that is not an object', { given: { overlays: ['x' as never] }, want: { code: 'OVERLAY_NOT_OBJECT', pointer: '/overrides/overlays/0', message: 'Overlay 0 must be an object.' } }],
  ];
  it.each(errors)('error: %s', (_n, { given, want }) => {
    const r = run(given);
    expect(r.findings).toEqual([expect.objectContaining({ severity: 'error', in: 'request', ...want })]);
  });
});
