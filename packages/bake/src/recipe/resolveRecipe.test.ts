import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { BakeConfigSchema } from '../config/BakeConfigSchema.js';
import { shippedTemplatesDir } from '../createBakeProvider.js';
import type { BakeRecord } from '../store/BakeRecord.js';
import { resolveRecipe, type RecipeDeps } from './resolveRecipe.js';

const config = BakeConfigSchema.parse({
  aws: {
    bakeryDefaults: {
      awsAccessKey: 'AKIAQQQQQQQQQQQQQQQQ',
      awsSecretKey: 'secret/secret/secret/secret/secret/1234',
      awsSubnetId: 'subnet-1',
      awsVpcId: 'vpc-1',
      templateFile: 'aws-ebs.json',
      baseImages: [
        {
          baseImage: { id: 'ubuntu', shortDescription: 'v22.04', packageType: 'deb' },
          virtualizationSettings: [
            { region: 'us-east-1', virtualizationType: 'hvm', instanceType: 't3.small', sourceAmi: 'ami-0123456789abcdef0', sshUserName: 'ubuntu' },
            { region: 'us-west-2', virtualizationType: 'hvm', instanceType: 't3.small', sourceAmi: 'ubuntu/images/*22.04*', sshUserName: 'ubuntu' },
          ],
        },
      ],
    },
  },
});

const earlier: BakeRecord = {
  id: 'b-earlier',
  bakeKey: 'k',
  region: 'us-east-1',
  provider: 'aws',
  state: 'COMPLETED',
  result: 'SUCCESS',
  phase: 'done',
  recipe: { template: '', varFiles: [], variables: {}, imageName: 'base-all-1-ubuntu', baseImage: 'ami-0123456789abcdef0', artifactMetadata: {}, masked: [] },
  runDir: '/tmp/x',
  cancelRequested: false,
  outOffset: 0,
  images: [
    { region: 'us-east-1', imageId: 'ami-0aaaaaaaaaaaaaaaa' },
    { region: 'us-west-2', imageId: 'ami-0bbbbbbbbbbbbbbbb' },
  ],
  files: [],
  forgotten: false,
  createdMs: 1,
  updatedMs: 1,
};

const lookups: string[] = [];
const deps: RecipeDeps = {
  config,
  templateDirs: [shippedTemplatesDir()],
  findBake: async (id) => (id === earlier.id ? earlier : undefined),
  findImageByName: async (pattern, region) => {
    lookups.push(`${region}:${pattern}`);
    return pattern.includes('22.04') ? 'ami-0ccccccccccccccccc'.slice(0, 21) : undefined;
  },
  bakeAccount: () => undefined,
  now: () => 1_700_000_000_000,
};
const run = (request: Parameters<typeof resolveRecipe>[1]['request'], region = 'us-east-1') =>
  resolveRecipe(deps, { request, region, provider: 'aws', bakeId: 'bake-1', runDir: '/tmp/bake-1' });

describe('resolveRecipe (aws)', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'outrigger-recipe-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('takes base image, instance type and network from bakeryDefaults; credentials go to env, not variables', async () => {
    const r = await run({ package: 'nginx', base_os: 'ubuntu', ami_suffix: '20260101', extended_attributes: { copy_to: 'us-west-2, eu-west-1', share_with: '123456789012' } });
    expect(r.baseImage).toBe('ami-0123456789abcdef0');
    expect(r.imageName).toBe('nginx-all-20260101-ubuntu');
    expect(r.variables).toMatchObject({
      aws_region: 'us-east-1',
      aws_source_ami: 'ami-0123456789abcdef0',
      aws_target_ami: 'nginx-all-20260101-ubuntu',
      aws_instance_type: 't3.small',
      aws_subnet_id: 'subnet-1',
      aws_vpc_id: 'vpc-1',
      copy_to: 'us-west-2,eu-west-1',
      copy_to_1: 'us-west-2',
      copy_to_2: 'eu-west-1',
      share_with: '123456789012',
      share_with_1: '123456789012',
      packages: 'nginx',
      bake_id: 'bake-1',
    });
    expect(JSON.stringify(r.variables)).not.toContain('AKIAQQ');
    expect(r.env).toEqual({ AWS_ACCESS_KEY_ID: 'AKIAQQQQQQQQQQQQQQQQ', AWS_SECRET_ACCESS_KEY: 'secret/secret/secret/secret/secret/1234' });
    expect(r.masked).toContain('AKIAQQQQQQQQQQQQQQQQ');

    // The shipped template accepts these variables (real `packer validate`, offline).
    const varFile = path.join(tmp, 'vars.json');
    writeFileSync(varFile, JSON.stringify(r.variables));
    const v = await execa('packer', ['validate', `-var-file=${varFile}`, r.template], { reject: false, env: { CHECKPOINT_DISABLE: '1' } });
    expect(v.stdout + v.stderr).toBe('');
    expect(v.exitCode).toBe(0);
  });

  it('resolves a name pattern from virtualizationSettings through DescribeImages', async () => {
    const r = await run({ package: 'nginx', base_os: 'ubuntu' }, 'us-west-2');
    expect(lookups).toContain('us-west-2:ubuntu/images/*22.04*');
    expect(r.baseImage).toBe('ami-0cccccccccccccccc');
  });

  it('accepts an explicit base_ami without any config entry (no base_os, unknown region)', async () => {
    const r = await run({ package: 'nginx', base_ami: 'ami-0fedcba9876543210' }, 'ap-south-1');
    expect(r.variables.aws_source_ami).toBe('ami-0fedcba9876543210');
  });

  it('layers on an earlier outrigger bake: its image in the same region', async () => {
    const r = await run({ package: 'app', base_ami: 'b-earlier' }, 'us-west-2');
    expect(r.baseImage).toBe('ami-0bbbbbbbbbbbbbbbb');
  });

  it.each([
    ['no base image anywhere', { package: 'nginx' }, 'us-east-1', '$.body.base_ami'],
    ['unknown base_os', { package: 'nginx', base_os: 'centos' }, 'us-east-1', '$.body.base_os'],
    ['pattern with no match', { package: 'nginx', base_ami: 'nothing-*' }, 'us-east-1', '$.body.base_ami'],
    ['earlier bake without an image in the region', { package: 'nginx', base_ami: 'b-earlier' }, 'eu-west-1', '$.body.base_ami'],
    ['shell in package names', { package: 'nginx;reboot' }, 'us-east-1', '$.body.package'],
  ])('refuses %s (400 naming the field)', async (_n, request, region, field) => {
    await expect(run(request, region)).rejects.toMatchObject({ name: 'InputError', errors: [{ field }] });
  });

  it('keys the bake on the effective inputs', async () => {
    const a = await run({ package: 'nginx', base_os: 'ubuntu', ami_suffix: '1' });
    const b = await run({ package: 'nginx', base_os: 'ubuntu', ami_suffix: '2' });
    const c = await run({ package: 'nginx', base_os: 'ubuntu', upgrade: true });
    expect(a.key).toBe(b.key);
    expect(c.key).not.toBe(a.key);
  });
});
