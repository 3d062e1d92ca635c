import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureTemplates, get, orcaBody, orcaHeaders, post, startBakery, waitForEnd } from './__fixtures__/harness.js';
import { isSecretName } from './recipe/findSecrets.js';
import { RESERVED_VARIABLES } from './recipe/reservedVariables.js';
import { shippedTemplatesDir } from './createBakeProvider.js';

/** Every file and directory under `dir` with its permission bits. */
function modes(dir: string): { path: string; dir: boolean; mode: number }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    const st = statSync(p);
    const here = { path: p, dir: st.isDirectory(), mode: st.mode & 0o777 };
    return st.isDirectory() ? [here, ...modes(p)] : [here];
  });
}

async function postRaw(baseUrl: string, p: string, body: unknown, headers: Record<string, string> = orcaHeaders) {
  const res = await fetch(`${baseUrl}${p}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
}

describe('bakes stay inside their sandbox', () => {
  let b: Awaited<ReturnType<typeof startBakery>>;
  beforeAll(async () => {
    b = await startBakery({ maxConcurrentBakes: 1, maxQueuedBakes: 2, aws: { bakeryDefaults: { baseImages: [{ baseImage: { id: 'ubuntu' } }] } } });
  });
  afterAll(async () => {
    await b.close();
  });

  const reserved = [
    ...RESERVED_VARIABLES.local.map((name) => ['local', name] as const),
    ...RESERVED_VARIABLES.aws.map((name) => ['aws', name] as const),
    ['local', 'copy_to_1'] as const,
    ['aws', 'share_with_3'] as const,
  ];
  it.each(reserved)('%s: extended_attributes.%s is refused with a 400 naming it', async (provider, name) => {
    const r = await post(
      b.baseUrl,
      '/api/v1/us-east-1/bake',
      // A credential-named variable with a value is refused as a credential first (see secretsNeverKept.test.ts).
      orcaBody({ cloud_provider_type: provider, base_ami: 'ami-0123456789abcdef0', extended_attributes: { team: 'web', [name]: isSecretName(name) ? '' : '/tmp/overwritten-by-request' } }),
    );
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([{ field: `$.body.extended_attributes.${name}`, message: expect.stringContaining('outrigger sets itself') }]);
    expect(JSON.stringify(r.body)).not.toContain('/tmp/overwritten-by-request');
  });

  it('a forged output_dir writes nothing outside the run directory', async () => {
    const target = path.join(b.dataDir, 'escaped');
    const r = await post(b.baseUrl, '/api/v1/us-east-1/bake', orcaBody({ package: 'forged', extended_attributes: { output_dir: target, image_name: 'x', bake_id: 'someone-else' } }));
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { field: string }) => e.field)).toEqual([
      '$.body.extended_attributes.output_dir',
      '$.body.extended_attributes.image_name',
      '$.body.extended_attributes.bake_id',
    ]);
    expect(existsSync(target)).toBe(false);
  });

  it.each([
    ['ami_name with a character EC2 refuses', { ami_name: 'app|x' }, '$.body.ami_name'],
    ['ami_name climbing out of the output directory', { ami_name: '../../../tmp/x' }, '$.body.ami_name'],
    ['ami_name with a "/" (local images are files)', { ami_name: 'a/b' }, '$.body.ami_name'],
    ['ami_suffix with a newline', { ami_suffix: '2026\nx' }, '$.body.ami_suffix'],
    ['ami_suffix with a ".." step', { ami_suffix: 'x/../y' }, '$.body.ami_suffix'],
    ['package whose name cannot be an image name', { package: 'libstdc++6' }, '$.body.package'],
    ['package with a path', { package: 'a/../../b' }, '$.body.package'],
    ['base_os with a character EC2 refuses', { base_os: 'ubuntu;rm', base_ami: 'x' }, '$.body.base_os'],
    ['base_label that is not a Rosco label', { base_label: 'latest' }, '$.body.base_label'],
    ['an image name over 128 characters', { ami_name: 'a'.repeat(120), ami_suffix: '12345678' }, '$.body.ami_name'],
  ])('refuses %s: 400 naming the field, no server path in the answer', async (_n, over, field) => {
    const r = await post(b.baseUrl, '/api/v1/us-east-1/bake', orcaBody(over));
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    const text = JSON.stringify(r.body);
    for (const dir of [b.dataDir, fixtureTemplates, shippedTemplatesDir()]) expect(text).not.toContain(path.resolve(dir));
  });

  it('accepts every character EC2 allows in an AMI name', async () => {
    const r = await post(b.baseUrl, "/api/v1/us-east-1/bake", orcaBody({ cloud_provider_type: 'aws', base_ami: 'ami-0123456789abcdef0', ami_name: "App (v2) [x] o'k @ 1.0_b/c", template_file_name: 'null-echo.json' }));
    expect(r.status).toBe(200);
    expect((await waitForEnd(b.baseUrl, 'us-east-1', r.body.id)).body).toMatchObject({ state: 'COMPLETED', result: 'SUCCESS' });
    expect((await get(b.baseUrl, `/api/v1/us-east-1/bake/${r.body.id}`)).body.image_name).toBe("App (v2) [x] o'k @ 1.0_b/c-all-20260101000000-local");
  });

  it('never shows a server path when Packer refuses a template', async () => {
    const r = await post(b.baseUrl, '/api/v1/us-east-1/bake', orcaBody({ template_file_name: 'missing-script.json' }));
    expect(r.status).toBe(400);
    expect(r.body.message).toContain('no-such-script.sh');
    expect(r.body.message).not.toContain(path.resolve(fixtureTemplates));
    expect(r.body.message).toContain('<templates>/no-such-script.sh');
  });

  it('bounds the queue: 429 with Retry-After in the error shape; rebake=1 from one execution joins its running bake', async () => {
    const bodies = ['q-one', 'q-two', 'q-three', 'q-four'].map((p) => orcaBody({ package: p, extended_attributes: { bake_seconds: '30' } }));
    const ids: string[] = [];
    for (const body of bodies.slice(0, 3)) {
      const r = await post(b.baseUrl, '/api/v1/us-east-1/bake', body);
      expect(r.status).toBe(200);
      ids.push(r.body.id);
    }
    // One running, two queued: the queue is full.
    const full = await postRaw(b.baseUrl, '/api/v1/us-east-1/bake', bodies[3]);
    expect(full.status).toBe(429);
    expect(Number(full.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(full.body).toMatchObject({ status: 429, error: 'Too Many Requests', path: '/api/v1/us-east-1/bake', message: expect.stringContaining('bake.maxQueuedBakes') });
    // A known bake is still answered when the queue is full.
    expect((await post(b.baseUrl, '/api/v1/us-east-1/bake', bodies[1])).body.id).toBe(ids[1]);
    // The same execution asking for a rebake again and again gets the one it started.
    const rebakes = [];
    for (let i = 0; i < 5; i++) rebakes.push(await post(b.baseUrl, '/api/v1/us-east-1/bake?rebake=1', bodies[0]));
    expect(rebakes.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(rebakes.map((r) => r.body.id))).toEqual(new Set([ids[0]]));
    expect((await get(b.baseUrl, '/status/instance')).body.bakes).toHaveLength(3);
    for (const id of ids) await get(b.baseUrl, `/api/v1/us-east-1/cancel/${id}`);
    for (const id of ids) expect((await waitForEnd(b.baseUrl, 'us-east-1', id)).body.state).toBe('CANCELED');
  }, 120_000); // three real Packer runs started and cancelled: slow on a loaded 2-core machine

  it('keeps bake files private: directories 0700, files 0600, while Packer runs and after', async () => {
    const r = await post(b.baseUrl, '/api/v1/us-east-1/bake', orcaBody({ package: 'modes', extended_attributes: { bake_seconds: '1' } }));
    const runDir = path.join(b.dataDir, 'bakes', r.body.id);
    while (!existsSync(path.join(runDir, 'packer.out'))) await new Promise((res) => setTimeout(res, 20));
    const during = modes(path.join(b.dataDir, 'bakes'));
    await waitForEnd(b.baseUrl, 'us-east-1', r.body.id);
    const after = modes(path.join(b.dataDir, 'bakes'));
    for (const m of [...during, ...after]) expect({ path: m.path, mode: m.mode.toString(8) }).toEqual({ path: m.path, mode: m.dir ? '700' : '600' });
    expect(during.map((m) => path.basename(m.path))).toContain('packer.out');
    expect(statSync(path.join(b.dataDir, 'bakes')).mode & 0o777).toBe(0o700);
  });
});

describe('the local demo provider', () => {
  it('is off with a config file that does not turn it on: not advertised, not bakeable', async () => {
    const b = await startBakery({}, { configSource: '/etc/outrigger/outrigger.yml' });
    try {
      const all = await get(b.baseUrl, '/bakeOptions');
      expect(all.body.map((o: { cloudProvider: string }) => o.cloudProvider)).toEqual(['aws']);
      expect((await get(b.baseUrl, '/bakeOptions/local')).status).toBe(404);
      const r = await post(b.baseUrl, '/api/v1/us-east-1/bake', orcaBody());
      expect(r.status).toBe(400);
      expect(r.body.errors[0].field).toBe('$.body.cloud_provider_type');
    } finally {
      await b.close();
    }
  });

  it('is on with a config file that enables it, and on embedded defaults', async () => {
    for (const [bake, source] of [[{ local: { enabled: true } }, '/etc/outrigger/outrigger.yml'], [{}, undefined]] as const) {
      const b = await startBakery(bake, source ? { configSource: source } : {});
      try {
        expect((await get(b.baseUrl, '/bakeOptions')).body.map((o: { cloudProvider: string }) => o.cloudProvider)).toEqual(['aws', 'local']);
      } finally {
        await b.close();
      }
    }
  });
});
