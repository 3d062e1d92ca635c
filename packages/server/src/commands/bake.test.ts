import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bakeCommand } from './bake.js';

describe('outrigger bake (in-process, real Packer, local provider)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'outrigger-cli-bake-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = async (request: unknown) => {
    const file = path.join(dir, `req-${Math.random()}.json`);
    writeFileSync(file, JSON.stringify(request));
    let out = '';
    let err = '';
    const code = await bakeCommand([file, '--data-dir', path.join(dir, 'data')], { out: (s) => (out += s), err: (s) => (err += s) });
    return { code, out, err };
  };

  it('prints Packer progress and the bake, exit 0', async () => {
    const r = await run({ cloud_provider_type: 'local', base_os: 'local', package: 'nginx', ami_suffix: 'cli', region: 'eu-west-1' });
    expect(r.code).toBe(0);
    expect(r.err).toContain('installing deb packages: nginx');
    expect(JSON.parse(r.out)).toMatchObject({ image_name: 'nginx-all-cli-local', artifact: { type: 'local/image', location: 'eu-west-1' } });
  });

  it('exits non-zero on a refused request', async () => {
    const r = await run({ cloud_provider_type: 'local', package: 'nginx', template_file_name: '../x.json' });
    expect(r.code).toBe(1);
    expect(r.err).toContain('$.body.template_file_name');
  });
});
