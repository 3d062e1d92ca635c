import { describe, expect, it } from 'vitest';
import { injectServerGroup, type ServerGroupContext } from './injectServerGroup.js';
import type { Finding, ReportEntry, TaskDefinition } from './types.js';

const ctx: ServerGroupContext = { clusterName: 'app-prod-blue', serverGroupName: 'app-prod-blue-v004', stack: 'prod', detail: 'blue' };

function run(td: TaskDefinition, c: Partial<ServerGroupContext> = {}) {
  const findings: Finding[] = [];
  const report: ReportEntry[] = [];
  injectServerGroup(td, { ...ctx, ...c }, findings, report);
  return { td, findings, report };
}

describe('injectServerGroup', () => {
  it('sets family to the cluster name and injects env vars and labels into every container', () => {
    const r = run({ family: 'PLACEHOLDER', containerDefinitions: [{ name: 'a' }, { name: 'b', environment: [{ name: 'X', value: '1' }] }] });
    expect(r.td.family).toBe('app-prod-blue');
    for (const c of r.td.containerDefinitions) {
      expect(c.environment?.slice(-3)).toEqual([
        { name: 'SERVER_GROUP', value: 'app-prod-blue-v004' },
        { name: 'CLOUD_STACK', value: 'prod' },
        { name: 'CLOUD_DETAIL', value: 'blue' },
      ]);
      expect(c.dockerLabels).toEqual({ 'spinnaker.servergroup': 'app-prod-blue-v004', 'spinnaker.stack': 'prod', 'spinnaker.detail': 'blue' });
    }
    expect(r.report[0]).toEqual({ action: 'replaced', pointer: '/family', source: 'injected', reason: 'family = cluster name' });
  });

  it('replaces SERVER_GROUP from a previous render instead of appending a second one, and warns', () => {
    const r = run({
      containerDefinitions: [
        {
          name: 'a',
          environment: [
            { name: 'SERVER_GROUP', value: 'app-prod-blue-v003' },
            { name: 'SERVER_GROUP', value: 'stale' },
          ],
          dockerLabels: { 'spinnaker.servergroup': 'old' },
        },
      ],
    });
    expect(r.td.containerDefinitions[0]?.environment?.filter((e) => e.name === 'SERVER_GROUP')).toEqual([{ name: 'SERVER_GROUP', value: 'app-prod-blue-v004' }]);
    expect(r.findings.map((f) => [f.severity, f.code, f.pointer])).toEqual([
      ['warning', 'INJECTED_ENV_REPLACED', '/containerDefinitions/0/environment'],
      ['warning', 'INJECTED_LABEL_REPLACED', '/containerDefinitions/0/dockerLabels/spinnaker.servergroup'],
    ]);
    expect(r.findings[0]?.message).toBe("Container 'a': SERVER_GROUP='app-prod-blue-v003' was replaced by the injected value 'app-prod-blue-v004'.");
  });

  it('omits stack/detail labels when blank but keeps the env vars, as clouddriver does', () => {
    const r = run({ containerDefinitions: [{ name: 'a' }] }, { clusterName: 'app', serverGroupName: 'app-v000', stack: undefined, detail: undefined });
    expect(r.td.containerDefinitions[0]?.dockerLabels).toEqual({ 'spinnaker.servergroup': 'app-v000' });
    expect(r.td.containerDefinitions[0]?.environment?.map((e) => e.name)).toEqual(['SERVER_GROUP', 'CLOUD_STACK', 'CLOUD_DETAIL']);
  });

  const roleCases: [string, { td: Partial<TaskDefinition>; c: Partial<ServerGroupContext>; want: string | undefined }][] = [
    ['Fargate without an execution role gets the account role', { td: {}, c: { launchType: 'FARGATE', accountRoleArn: 'arn:aws:iam::1:role/spin' }, want: 'arn:aws:iam::1:role/spin' }],
    [
      'FARGATE_SPOT capacity provider counts as Fargate',
      { td: {}, c: { capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT' }], accountRoleArn: 'arn:aws:iam::1:role/spin' }, want: 'arn:aws:iam::1:role/spin' },
    ],
    ['an artifact execution role wins', { td: { executionRoleArn: 'arn:aws:iam::1:role/mine' }, c: { launchType: 'FARGATE', accountRoleArn: 'arn:aws:iam::1:role/spin' }, want: 'arn:aws:iam::1:role/mine' }],
    ['EC2 gets none', { td: {}, c: { launchType: 'EC2', accountRoleArn: 'arn:aws:iam::1:role/spin' }, want: undefined }],
  ];
  it.each(roleCases)('execution role: %s', (_n, { td, c, want }) => {
    const r = run({ ...td, containerDefinitions: [{ name: 'a' }] }, c);
    expect(r.td.executionRoleArn).toBe(want);
  });

  const netCases: [string, { artifact?: string; c: Partial<ServerGroupContext>; want?: string; error?: string }][] = [
    ['artifact omits networkMode: the server group value is set', { c: { networkMode: 'awsvpc' }, want: 'awsvpc' }],
    ['same mode', { artifact: 'bridge', c: { networkMode: 'bridge' }, want: 'bridge' }],
    ["'default' on the stage is no expectation (clouddriver compares it literally)", { artifact: 'awsvpc', c: { networkMode: 'default' }, want: 'awsvpc' }],
    ['Fargate without a mode gets awsvpc', { c: { launchType: 'FARGATE' }, want: 'awsvpc' }],
    ['mismatch is an error', { artifact: 'bridge', c: { networkMode: 'awsvpc' }, want: 'bridge', error: "Task definition networkMode does not match server group value. Found 'bridge' but expected 'awsvpc'." }],
  ];
  it.each(netCases)('networkMode: %s', (_n, { artifact, c, want, error }) => {
    const r = run({ ...(artifact ? { networkMode: artifact } : {}), containerDefinitions: [{ name: 'a' }] }, c);
    expect(r.td.networkMode).toBe(want);
    const errs = r.findings.filter((f) => f.severity === 'error');
    if (error) expect(errs).toEqual([{ severity: 'error', code: 'NETWORK_MODE_MISMATCH', in: 'taskDefinition', pointer: '/networkMode', message: error }]);
    else expect(errs).toEqual([]);
  });

  it('adds FARGATE to requiresCompatibilities for launchType FARGATE', () => {
    const r = run({ requiresCompatibilities: ['EC2'], containerDefinitions: [{ name: 'a' }] }, { launchType: 'FARGATE' });
    expect(r.td.requiresCompatibilities).toEqual(['EC2', 'FARGATE']);
  });
});
