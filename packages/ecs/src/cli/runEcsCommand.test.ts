import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerRequest } from '../__fixtures__/taskDefinitions.js';
import { runEcsCommand } from './runEcsCommand.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'outrigger-ecs-cli-'));
  await writeFile(path.join(dir, 'td.json'), JSON.stringify(registerRequest));
  await writeFile(path.join(dir, 'prod.yaml'), 'containerDefinitions:\n  web:\n    logConfiguration:\n      options:\n        awslogs-group: /prod/web\n');
});

async function run(command: 'render' | 'validate', args: string[]) {
  let out = '';
  let err = '';
  const code = await runEcsCommand(command, args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

describe('outrigger render / validate', () => {
  it('renders with images, env (value keeps its =), overlays and injection', async () => {
    const r = await run('render', [
      path.join(dir, 'td.json'),
      '--image',
      'web=nginx:1.27',
      '--env',
      'web:QUERY=a=b',
      '--overlay',
      path.join(dir, 'prod.yaml'),
      '--cluster',
      'shop-prod',
      '--server-group',
      'shop-prod-v001',
      '--stack',
      'prod',
      '--subnets',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const td = JSON.parse(r.out);
    expect(td.family).toBe('shop-prod');
    expect(td.containerDefinitions[0].image).toBe('nginx:1.27');
    expect(td.containerDefinitions[0].environment).toContainEqual({ name: 'QUERY', value: 'a=b' });
    expect(td.containerDefinitions[0].logConfiguration.options['awslogs-group']).toBe('/prod/web');
  });

  it('writes --output', async () => {
    const out = path.join(dir, 'out.json');
    const r = await run('render', [path.join(dir, 'td.json'), '--image', 'web=nginx:1', '-o', out]);
    expect(r.code).toBe(0);
    expect(JSON.parse(await readFile(out, 'utf8')).containerDefinitions[0].image).toBe('nginx:1');
  });

  it('render fails with the findings on stderr', async () => {
    const r = await run('render', [path.join(dir, 'td.json')]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain("ERROR IMAGE_PLACEHOLDER taskDefinition#/containerDefinitions/0/image: Container 'web' still has the placeholder image 'PLACEHOLDER'");
  });

  it('validate --json prints machine-readable findings', async () => {
    const r = await run('validate', [path.join(dir, 'td.json'), '--json', '--lb', 'web:9090']);
    expect(r.code).toBe(1);
    const body = JSON.parse(r.out);
    expect(body.ok).toBe(false);
    expect(body.findings.map((f: { code: string }) => f.code)).toEqual(['IMAGE_PLACEHOLDER', 'LB_PORT_UNKNOWN']);
  });

  it('validate prints the report and OK', async () => {
    const r = await run('validate', [path.join(dir, 'td.json'), '--image', 'web=nginx:1']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('replaced /containerDefinitions/0/image (image: from /containerToImageMap/web)');
    expect(r.out).toContain('OK: 2 containers');
  });

  it.each([
    [['--image', 'web'], /--image: expected NAME=IMAGE/],
    [['--env', '=x'], /--env: expected \[NAME:\]KEY=VALUE/],
    [['--cluster', 'x'], /--cluster and --server-group go together/],
    [['--nope'], /Unknown option/],
  ])('usage error %j', async (args, msg) => {
    const r = await run('render', [path.join(dir, 'td.json'), ...args]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(msg);
  });

  it('a missing file is a usage error', async () => {
    const r = await run('validate', [path.join(dir, 'missing.json')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/ENOENT/);
  });
});
