import { createAwsClientFactory } from '@outrigger/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeEC2 } from './__fixtures__/FakeEC2.js';
import { get, orcaBody, orcaHeaders, post, startBakery, waitForEnd } from './__fixtures__/harness.js';

describe('aws provider over HTTP (EC2 faked at the SDK client)', () => {
  const ec2 = new FakeEC2();
  let b: Awaited<ReturnType<typeof startBakery>>;
  beforeAll(async () => {
    ec2.images.push(
      { ImageId: 'ami-0000000000000old1', Name: 'golden-ubuntu-2025', CreationDate: '2025-01-01T00:00:00.000Z' },
      { ImageId: 'ami-0000000000000new1', Name: 'golden-ubuntu-2026', CreationDate: '2026-01-01T00:00:00.000Z' },
    );
    const config = {
      aws: {
        accounts: [
          { name: 'prod', accountId: '123456789012', permissions: { READ: ['ops'], WRITE: ['ops'] } },
          { name: 'dev', accountId: '210987654321' },
        ],
      },
    };
    const aws = createAwsClientFactory({ config: { aws: { defaultRegions: [], accounts: config.aws.accounts as never, client: { maxAttempts: 1 } } }, makeClient: () => ec2 as never });
    b = await startBakery({ aws: { bakeAccount: 'dev', bakeryDefaults: { baseImages: [{ baseImage: { id: 'ubuntu', packageType: 'deb' } }] } } }, { aws, config });
  });
  afterAll(async () => {
    await b.close();
  });

  it('resolves a base_ami name pattern to the newest match and reports it as base_ami', async () => {
    const r = await post(b.baseUrl, '/api/v1/us-east-1/bake', orcaBody({ cloud_provider_type: 'aws', base_os: 'ubuntu', base_ami: 'golden-ubuntu-*', template_file_name: 'null-echo.json' }));
    expect(r.status).toBe(200);
    const end = await waitForEnd(b.baseUrl, 'us-east-1', r.body.id);
    expect(end.body).toMatchObject({ state: 'COMPLETED', result: 'SUCCESS' });
    expect(ec2.calls).toContain('DescribeImagesCommand');
    const bake = await get(b.baseUrl, `/api/v1/us-east-1/bake/${r.body.id}`);
    expect(bake.body.base_ami).toBe('ami-0000000000000new1');
  });

  it('checks account_name for WRITE when accounts are configured', async () => {
    const denied = await post(b.baseUrl, '/api/v1/us-east-1/bake', orcaBody({ cloud_provider_type: 'aws', account_name: 'prod', base_ami: 'ami-0123456789abcdef0' }), {
      ...orcaHeaders,
      'X-SPINNAKER-ACCOUNTS': 'dev',
    });
    expect(denied.status).toBe(403);
    expect(denied.body.message).toContain('prod');
    const unknown = await post(b.baseUrl, '/api/v1/us-east-1/bake', orcaBody({ cloud_provider_type: 'aws', account_name: 'nope', base_ami: 'ami-0123456789abcdef0' }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].field).toBe('$.body.account_name');
  });

  it('serves an aws bake as Rosco: ami and aws/image artifact for the path region, one artifact per copied region', async () => {
    const now = Date.now();
    await b.provider.store.insert({
      id: 'aws-bake-1',
      bakeKey: 'bake:aws:us-east-1:test',
      region: 'us-east-1',
      provider: 'aws',
      state: 'COMPLETED',
      result: 'SUCCESS',
      phase: 'done',
      recipe: { template: '', varFiles: [], variables: {}, imageName: 'nginx-all-1-ubuntu', baseImage: 'ami-0base', artifactMetadata: { build_number: '7' }, masked: [] },
      runDir: '/nonexistent',
      cancelRequested: false,
      outOffset: 0,
      imageName: 'nginx-all-1-ubuntu',
      baseImage: 'ami-0base',
      images: [
        { region: 'us-east-1', imageId: 'ami-0east' },
        { region: 'us-west-2', imageId: 'ami-0west' },
      ],
      files: [],
      forgotten: false,
      createdMs: now,
      updatedMs: now,
    });
    const west = await get(b.baseUrl, '/api/v1/us-west-2/bake/aws-bake-1');
    expect(west.body).toEqual({
      id: 'aws-bake-1',
      ami: 'ami-0west',
      image_name: 'nginx-all-1-ubuntu',
      base_ami: 'ami-0base',
      regions: ['us-east-1', 'us-west-2'],
      artifact: { type: 'aws/image', name: 'nginx-all-1-ubuntu', location: 'us-west-2', reference: 'ami-0west', uuid: 'aws-bake-1', metadata: { build_number: '7' } },
      artifacts: [
        { type: 'aws/image', name: 'nginx-all-1-ubuntu', location: 'us-east-1', reference: 'ami-0east', uuid: 'aws-bake-1', metadata: { build_number: '7' } },
        { type: 'aws/image', name: 'nginx-all-1-ubuntu', location: 'us-west-2', reference: 'ami-0west', uuid: 'aws-bake-1', metadata: { build_number: '7' } },
      ],
    });
    expect((await get(b.baseUrl, '/api/v1/us-east-1/bake/aws-bake-1')).body.ami).toBe('ami-0east');
  });
});

describe('image retention and the reaper (EC2 faked at the SDK client)', () => {
  const ec2 = new FakeEC2();
  let b: Awaited<ReturnType<typeof startBakery>>;
  const tag = (app: string) => [{ Key: 'outrigger:application', Value: app }];
  beforeAll(async () => {
    for (let i = 1; i <= 5; i++) {
      ec2.images.push({ ImageId: `ami-app${i}`, Name: `app-all-${i}`, CreationDate: `2026-01-0${i}T00:00:00.000Z`, Tags: tag('app'), BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { SnapshotId: `snap-${i}` } }] });
      ec2.snapshots.add(`snap-${i}`);
    }
    ec2.images.push({ ImageId: 'ami-other', Name: 'other', CreationDate: '2020-01-01T00:00:00.000Z', Tags: tag('other') });
    ec2.instances.push({ InstanceId: 'i-uses1', ImageId: 'ami-app1', State: 'running', Tags: [] });
    ec2.launchTemplateImages.push('ami-app2');
    const accounts = [{ name: 'dev', accountId: '210987654321', regions: [{ name: 'us-east-1' }] }];
    const aws = createAwsClientFactory({ config: { aws: { defaultRegions: [], accounts: accounts as never, client: { maxAttempts: 1 } } }, makeClient: () => ec2 as never });
    b = await startBakery({ aws: { bakeAccount: 'dev', reaper: { enabled: false } } }, { aws, config: { aws: { accounts } } });
  });
  afterAll(async () => {
    await b.close();
  });

  it('lists images beyond the newest N on a dry run, then deregisters them with their snapshots, skipping images in use', async () => {
    const dry = await post(b.baseUrl, '/api/v1/us-east-1/images/retention', { application: 'app', keep: 2, dry_run: true });
    expect(dry.body).toEqual({
      application: 'app',
      region: 'us-east-1',
      dryRun: true,
      kept: ['ami-app5', 'ami-app4'],
      removed: ['ami-app3'],
      skipped: [
        { imageId: 'ami-app2', reason: 'used by launch template lt-0' },
        { imageId: 'ami-app1', reason: 'used by instance i-uses1' },
      ],
    });
    expect(ec2.images).toHaveLength(6);
    const real = await post(b.baseUrl, '/api/v1/us-east-1/images/retention', { application: 'app', keep: 2 });
    expect(real.body.removed).toEqual(['ami-app3']);
    expect(ec2.images.map((i) => i.ImageId)).not.toContain('ami-app3');
    expect(ec2.snapshots.has('snap-3')).toBe(false);
    expect(ec2.snapshots.has('snap-2')).toBe(true);
  });

  it('reaps builder instances, their temporary security groups and key pairs of ended bakes only', async () => {
    const now = Date.now();
    const base = {
      bakeKey: 'k',
      region: 'us-east-1',
      provider: 'aws',
      phase: 'done' as const,
      recipe: { template: '', varFiles: [], variables: {}, imageName: 'x', baseImage: 'ami-x', artifactMetadata: {}, masked: [] },
      runDir: '/nonexistent',
      cancelRequested: false,
      outOffset: 0,
      images: [],
      files: [],
      forgotten: false,
      createdMs: now,
      updatedMs: now,
    };
    await b.provider.store.insert({ ...base, id: 'dead-1', state: 'CANCELED', result: 'FAILURE' });
    // RUNNING for the reaper; phase left 'done' so the service does not go looking for its Packer.
    await b.provider.store.insert({ ...base, id: 'live-1', state: 'RUNNING' });
    // Restarted under the same id by another replica (attempt 2): attempt 1's leftovers are dead, attempt 2's are not.
    await b.provider.store.insert({ ...base, id: 'again-1', state: 'RUNNING', attempt: 2 });
    ec2.instances.push(
      { InstanceId: 'i-dead', ImageId: 'ami-x', State: 'running', Tags: [{ Key: 'outrigger:bake-id', Value: 'dead-1' }], SecurityGroups: [{ GroupId: 'sg-dead', GroupName: 'packer_5f3a' }, { GroupId: 'sg-shared', GroupName: 'builders' }] },
      { InstanceId: 'i-live', ImageId: 'ami-x', State: 'running', Tags: [{ Key: 'outrigger:bake-id', Value: 'live-1' }], SecurityGroups: [{ GroupId: 'sg-live', GroupName: 'packer_77aa' }] },
      { InstanceId: 'i-foreign', ImageId: 'ami-x', State: 'running', Tags: [{ Key: 'outrigger:bake-id', Value: 'not-ours' }] },
      { InstanceId: 'i-again-1', ImageId: 'ami-x', State: 'running', Tags: [{ Key: 'outrigger:bake-id', Value: 'again-1' }, { Key: 'outrigger:bake-attempt', Value: '1' }] },
      { InstanceId: 'i-again-2', ImageId: 'ami-x', State: 'running', Tags: [{ Key: 'outrigger:bake-id', Value: 'again-1' }, { Key: 'outrigger:bake-attempt', Value: '2' }] },
    );
    ec2.keyPairs.add('outrigger-dead-1').add('outrigger-live-1').add('outrigger-again-1-attempt-1').add('outrigger-again-1-attempt-2');
    ec2.securityGroups.add('sg-dead').add('sg-shared').add('sg-live');
    // The fake terminates at once, as a finished shutdown would; a group still attached would wait for the next pass.
    await b.provider.reap();
    expect(ec2.instances.find((i) => i.InstanceId === 'i-dead')!.State).toBe('terminated');
    expect(ec2.instances.find((i) => i.InstanceId === 'i-live')!.State).toBe('running');
    expect(ec2.instances.find((i) => i.InstanceId === 'i-foreign')!.State).toBe('running');
    expect(ec2.instances.find((i) => i.InstanceId === 'i-again-1')!.State).toBe('terminated');
    expect(ec2.instances.find((i) => i.InstanceId === 'i-again-2')!.State).toBe('running');
    expect([...ec2.keyPairs]).toEqual(['outrigger-live-1', 'outrigger-again-1-attempt-2']);
    expect([...ec2.securityGroups].sort()).toEqual(['sg-live', 'sg-shared']);
  });

  it('leaves a dead bake\'s security group for the next pass while its instance is still shutting down', async () => {
    const now = Date.now();
    await b.provider.store.insert({
      id: 'dead-2', state: 'CANCELED', result: 'FAILURE', bakeKey: 'k2', region: 'us-east-1', provider: 'aws', phase: 'done',
      recipe: { template: '', varFiles: [], variables: {}, imageName: 'x', baseImage: 'ami-x', artifactMetadata: {}, masked: [] },
      runDir: '/nonexistent', cancelRequested: false, outOffset: 0, images: [], files: [], forgotten: false, createdMs: now, updatedMs: now,
    });
    ec2.instances.push({ InstanceId: 'i-slow', ImageId: 'ami-x', State: 'shutting-down', Tags: [{ Key: 'outrigger:bake-id', Value: 'dead-2' }], SecurityGroups: [{ GroupId: 'sg-slow', GroupName: 'packer_9c' }] });
    ec2.securityGroups.add('sg-slow');
    await b.provider.reap();
    expect(ec2.securityGroups.has('sg-slow')).toBe(true);
    ec2.instances.find((i) => i.InstanceId === 'i-slow')!.State = 'terminated';
    await b.provider.reap();
    expect(ec2.securityGroups.has('sg-slow')).toBe(false);
  });
});

describe('the reaper works in the account each bake ran as', () => {
  it('terminates a dead bake\'s builder in its account_name account, not only in bake.aws.bakeAccount', async () => {
    const byAccount = { dev: new FakeEC2(), prod: new FakeEC2() };
    const accounts = [
      { name: 'dev', accountId: '210987654321', regions: [{ name: 'us-east-1' }] },
      { name: 'prod', accountId: '123456789012', regions: [{ name: 'us-east-1' }] },
    ];
    const aws = createAwsClientFactory({
      config: { aws: { defaultRegions: [], accounts: accounts as never, client: { maxAttempts: 1 } } },
      makeClient: (_c, _config, account) => byAccount[account.name as 'dev' | 'prod'] as never,
    });
    const b = await startBakery({ aws: { bakeAccount: 'dev', reaper: { enabled: false } } }, { aws, config: { aws: { accounts } } });
    try {
      const now = Date.now();
      await b.provider.store.insert({
        id: 'dead-prod', state: 'CANCELED', result: 'FAILURE', bakeKey: 'kp', region: 'us-east-1', provider: 'aws', phase: 'done',
        recipe: { template: '', varFiles: [], variables: {}, imageName: 'x', baseImage: 'ami-x', artifactMetadata: {}, masked: [], account: 'prod' },
        runDir: '/nonexistent', cancelRequested: false, outOffset: 0, images: [], files: [], forgotten: false, createdMs: now, updatedMs: now,
      });
      for (const ec2 of Object.values(byAccount)) ec2.instances.push({ InstanceId: 'i-dead-prod', ImageId: 'ami-x', State: 'running', Tags: [{ Key: 'outrigger:bake-id', Value: 'dead-prod' }] });
      await b.provider.reap();
      expect(byAccount.prod.instances[0]!.State).toBe('terminated');
      // The same tag in the bake account is reaped there too (the bake account is always swept).
      expect(byAccount.dev.instances[0]!.State).toBe('terminated');
    } finally {
      await b.close();
    }
  });
});
