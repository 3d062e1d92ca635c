import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, orcaBody, orcaHeaders, post, startBakery, waitForEnd } from './__fixtures__/harness.js';

/** The group of a bake's Packer wrapper has no process left. */
function groupGone(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return false;
  } catch {
    return true;
  }
}

async function until(check: () => boolean) {
  while (!check()) await new Promise((r) => setTimeout(r, 50));
}

describe('bake provider over HTTP, replaying Orca with the real Packer', () => {
  let b: Awaited<ReturnType<typeof startBakery>>;
  beforeAll(async () => {
    b = await startBakery({ maxConcurrentBakes: 2 });
  });
  afterAll(async () => {
    await b.close();
  });

  it('serves bakeOptions as Rosco does (Orca reads packageType) and 404s unknown providers and images', async () => {
    const all = await get(b.baseUrl, '/bakeOptions');
    expect(all.status).toBe(200);
    expect(all.body.map((o: { cloudProvider: string }) => o.cloudProvider)).toEqual(['aws', 'local']);
    const image = await get(b.baseUrl, '/bakeOptions/local/baseImages/local');
    expect(image.body).toMatchObject({ id: 'local', packageType: 'DEB', osType: 'linux' });
    const none = await get(b.baseUrl, '/bakeOptions/gce');
    expect(none.status).toBe(404);
    expect(none.body).toMatchObject({ status: 404, error: 'Not Found', message: 'Bake options not found. Cloud provider gce not found', path: '/bakeOptions/gce' });
    expect((await get(b.baseUrl, '/bakeOptions/local/baseImages/nope')).status).toBe(404);
  });

  it('bakes an Orca request end to end: dedupe while running, poll to COMPLETED/SUCCESS, read the bake and its logs, reuse, rebake', async () => {
    const body = orcaBody({ package: 'nginx curl', extended_attributes: { team: 'web', bake_seconds: '1' } });
    const first = await post(b.baseUrl, '/api/v1/us-east-1/bake', body);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ state: 'RUNNING' });
    expect(first.body.result).toBeUndefined();
    expect(first.body.resource_id).toBe(first.body.id);

    const again = await post(b.baseUrl, '/api/v1/us-east-1/bake', body);
    expect(again.body.id).toBe(first.body.id);

    const done = await waitForEnd(b.baseUrl, 'us-east-1', first.body.id);
    expect(done.body).toMatchObject({ id: first.body.id, state: 'COMPLETED', result: 'SUCCESS', resource_id: first.body.id });

    const bake = await get(b.baseUrl, `/api/v1/us-east-1/bake/${first.body.id}`);
    expect(bake.status).toBe(200);
    expect(bake.body).toMatchObject({
      id: first.body.id,
      image_name: 'nginx-all-20260101000000-local',
      base_ami: 'local',
      regions: ['us-east-1'],
      artifact: { type: 'local/image', name: 'nginx-all-20260101000000-local', location: 'us-east-1', uuid: first.body.id },
    });
    const imageFile = bake.body.artifact.reference as string;
    expect(readFileSync(imageFile, 'utf8')).toContain('packages: nginx curl');

    const logs = await get(b.baseUrl, `/api/v1/us-east-1/logs/${first.body.id}`);
    expect(Object.keys(logs.body)).toEqual(['logsContent']);
    expect(logs.body.logsContent).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z bake .* queued/);
    expect(logs.body.logsContent).toContain('installing deb packages: nginx curl');

    const page = await get(b.baseUrl, `/api/v1/us-east-1/logs/${first.body.id}?offset=1&limit=2`);
    expect(page.body).toMatchObject({ offset: 1, nextOffset: 3, complete: true });
    expect(page.body.logsContent.split('\n')).toHaveLength(2);

    const followed = await get(b.baseUrl, `/api/v1/us-east-1/logs/${first.body.id}?follow=true`);
    expect(followed.body).toContain('packages installed');

    const byImage = await get(b.baseUrl, `/api/v1/us-east-1/logs/image/nginx-all-20260101000000-local`);
    expect(byImage.body.logsContent).toContain('installing deb packages');

    // Orca's next run with the same inputs: the successful bake is returned (previouslyBaked), even with another suffix.
    const reuse = await post(b.baseUrl, '/api/v1/us-east-1/bake', { ...body, ami_suffix: '20260102000000' });
    expect(reuse.body).toMatchObject({ id: first.body.id, state: 'COMPLETED', result: 'SUCCESS' });

    // A changed extended attribute is a different bake (Rosco would return the old image).
    const changed = await post(b.baseUrl, '/api/v1/us-east-1/bake', { ...body, extended_attributes: { team: 'api', bake_seconds: '0' } });
    expect(changed.body.id).not.toBe(first.body.id);
    await waitForEnd(b.baseUrl, 'us-east-1', changed.body.id);

    const rebake = await post(b.baseUrl, '/api/v1/us-east-1/bake?rebake=1', body);
    expect(rebake.body.id).not.toBe(first.body.id);
    const rebaked = await waitForEnd(b.baseUrl, 'us-east-1', rebake.body.id);
    expect(rebaked.body).toMatchObject({ state: 'COMPLETED', result: 'SUCCESS' });
    // The old bake is still readable by id.
    expect((await get(b.baseUrl, `/api/v1/us-east-1/bake/${first.body.id}`)).status).toBe(200);

    // Layered bake: base_ami names the earlier bake.
    const layered = await post(b.baseUrl, '/api/v1/us-east-1/bake', orcaBody({ package: 'app', base_ami: rebake.body.id }));
    await waitForEnd(b.baseUrl, 'us-east-1', layered.body.id);
    const layeredBake = await get(b.baseUrl, `/api/v1/us-east-1/bake/${layered.body.id}`);
    expect(layeredBake.body.base_ami).toMatch(/nginx-all-20260101000000-local\.img$/);
  });

  it('ends a failed Packer run CANCELED + FAILURE with Packer\'s error, and redacts served logs', async () => {
    const res = await post(b.baseUrl, '/api/v1/us-east-1/bake', orcaBody({ template_file_name: 'fail.json' }));
    const end = await waitForEnd(b.baseUrl, 'us-east-1', res.body.id);
    expect(end.body).toMatchObject({ state: 'CANCELED', result: 'FAILURE' });
    expect(end.body.message).toContain('Packer exited with code 1');
    expect(end.body.message).toContain('non-zero exit status: 3');
    expect((await get(b.baseUrl, `/api/v1/us-east-1/bake/${res.body.id}`)).status).toBe(404);

    const leaky = await post(b.baseUrl, '/api/v1/us-east-1/bake', orcaBody({ template_file_name: 'null-echo.json' }));
    await waitForEnd(b.baseUrl, 'us-east-1', leaky.body.id);
    const logs = await get(b.baseUrl, `/api/v1/us-east-1/logs/${leaky.body.id}`);
    expect(logs.body.logsContent).toContain('leaked ****** in output');
    expect(logs.body.logsContent).not.toContain('AKIAABCDEFGHIJKLMNOP');
    // A Slack webhook: outrigger's own patterns do not know it, secretlint's rule set does.
    expect(logs.body.logsContent).toContain('notify ****** posted');
    expect(logs.body.logsContent).not.toContain('hooks.slack.com/services/T01ABCDEF12');
  });

  it('refuses credentials with a 400 naming the field, without echoing the value', async () => {
    const res = await fetch(`${b.baseUrl}/api/v1/us-east-1/bake`, {
      method: 'POST',
      headers: orcaHeaders,
      body: JSON.stringify(orcaBody({ extended_attributes: { db_password: 'hunter2-very-secret' }, package: 'nginx' })),
    });
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(text).not.toContain('hunter2');
    const body = JSON.parse(text);
    expect(body).toMatchObject({ status: 400, error: 'Bad Request', path: '/api/v1/us-east-1/bake' });
    // The attribute's name is what matched, so it is not echoed either: the field is the attribute map.
    expect(text).not.toContain('db_password');
    expect(body.errors).toEqual([{ field: '$.body.extended_attributes', message: expect.stringContaining('1st attribute') }]);
    const key = await post(b.baseUrl, '/api/v1/us-east-1/bake', orcaBody({ package: 'nginx AKIAABCDEFGHIJKLMNOP' }));
    expect(key.status).toBe(400);
    expect(JSON.stringify(key.body)).not.toContain('AKIAABCDEFGHIJKLMNOP');
  });

  it('refuses templates outside the template directory and templates Packer cannot validate', async () => {
    const escape = await post(b.baseUrl, '/api/v1/us-east-1/bake', orcaBody({ template_file_name: '../../../etc/passwd' }));
    expect(escape.status).toBe(400);
    expect(escape.body.errors[0].field).toBe('$.body.template_file_name');
    const broken = await post(b.baseUrl, '/api/v1/us-east-1/bake', orcaBody({ template_file_name: 'broken.json' }));
    expect(broken.status).toBe(400);
    expect(broken.body.message).toContain('Failed to parse template');
    const bad = await post(b.baseUrl, '/api/v1/us-east-1/bake', { package: 42 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('$.body.package');
  });

  it('queues beyond maxConcurrentBakes with a queue position, and cancels (GET) by signalling the process group', async () => {
    const ids: string[] = [];
    for (const team of ['a', 'b', 'c']) {
      const r = await post(b.baseUrl, '/api/v1/us-east-1/bake', orcaBody({ extended_attributes: { team, bake_seconds: '30' } }));
      ids.push(r.body.id);
    }
    const third = await get(b.baseUrl, `/api/v1/us-east-1/status/${ids[2]}`);
    expect(third.body).toMatchObject({ state: 'RUNNING', queue_position: 1 });
    expect(await b.provider.service.runningCount()).toBe(2);
    const instance = await get(b.baseUrl, '/status/instance');
    expect(instance.body.status).toBe('RUNNING');
    expect(instance.body.bakes).toHaveLength(3);

    const pgids = await Promise.all(ids.slice(0, 2).map(async (id) => (await b.provider.service.record(id))!.pid!));
    for (const id of ids) {
      const c = await get(b.baseUrl, `/api/v1/us-east-1/cancel/${id}`);
      expect(c.status).toBe(200);
      expect(c.body).toBe(`Canceled bake '${id}'.`);
    }
    for (const id of ids) {
      const end = await waitForEnd(b.baseUrl, 'us-east-1', id);
      expect(end.body).toMatchObject({ state: 'CANCELED', result: 'FAILURE' });
      expect(end.body.message).toMatch(/Canceled by request/);
    }
    await until(() => pgids.every(groupGone));
    const again = await get(b.baseUrl, `/api/v1/us-east-1/cancel/${ids[0]}`);
    expect(again.status).toBe(400);
  });

  it('rebake=1 while an identical bake runs starts a second bake and leaves the first one running (no cross-pipeline cancel)', async () => {
    const body = orcaBody({ package: 'haproxy', extended_attributes: { bake_seconds: '1' } });
    const first = await post(b.baseUrl, '/api/v1/us-east-1/bake', body);
    // Another pipeline's execution asks for a rebake.
    const second = await post(b.baseUrl, '/api/v1/us-east-1/bake?rebake=1', body, { ...orcaHeaders, 'X-SPINNAKER-EXECUTION-ID': '01HOTHEREXEC00000000000000:01HSTAGE:01HTASK' });
    expect(second.body.id).not.toBe(first.body.id);
    expect((await get(b.baseUrl, `/api/v1/us-east-1/status/${first.body.id}`)).body.state).toBe('RUNNING');
    expect((await waitForEnd(b.baseUrl, 'us-east-1', first.body.id)).body).toMatchObject({ state: 'COMPLETED', result: 'SUCCESS' });
    expect((await waitForEnd(b.baseUrl, 'us-east-1', second.body.id)).body).toMatchObject({ state: 'COMPLETED', result: 'SUCCESS' });
    // The newest success is what the key now returns.
    expect((await post(b.baseUrl, '/api/v1/us-east-1/bake', body)).body.id).toBe(second.body.id);
  });

  it('answers the rest of Rosco\'s surface: unknown ids, DELETE, delete-requests, manifest bakes', async () => {
    const unknown = await get(b.baseUrl, '/api/v1/us-east-1/status/nope');
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toBe("Unable to retrieve status for 'nope'.");
    expect((await get(b.baseUrl, '/api/v1/us-east-1/logs/nope')).body.message).toBe('Logs not found.');

    const body = orcaBody({ package: 'redis' });
    const r = await post(b.baseUrl, '/api/v1/eu-west-1/bake', body);
    await waitForEnd(b.baseUrl, 'eu-west-1', r.body.id);
    const del = await fetch(`${b.baseUrl}/api/v1/eu-west-1/bake`, { method: 'DELETE', headers: orcaHeaders, body: JSON.stringify(body) });
    expect(del.status).toBe(200);
    expect(await del.text()).toMatch(new RegExp(`^Deleted bake 'bake:local:eu-west-1:[0-9a-f]+' with id '${r.body.id}'\\.$`));
    const fresh = await post(b.baseUrl, '/api/v1/eu-west-1/bake', body);
    expect(fresh.body.id).not.toBe(r.body.id);
    await waitForEnd(b.baseUrl, 'eu-west-1', fresh.body.id);

    const purge = await fetch(`${b.baseUrl}/api/v1/bakes/delete-requests`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ pipelineExecutionIds: ['01HEXEC000000000000000000'] }),
    });
    expect(purge.status).toBe(200);
    expect((await get(b.baseUrl, `/api/v1/eu-west-1/status/${fresh.body.id}`)).status).toBe(400);
    expect(existsSync((await b.provider.service.record(fresh.body.id))?.runDir ?? '/nonexistent')).toBe(false);

    const helm = await post(b.baseUrl, '/api/v2/manifest/bake/HELM3', { templateRenderer: 'HELM3', outputName: 'x' });
    expect(helm.status).toBe(501);
    expect(helm.body.message).toContain('Rosco keeps serving');
  });
});

describe('operator template directory', () => {
  it('uses a template added after start, and a changed template bakes anew without restart', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(tmpdir(), 'outrigger-templates-'));
    const b = await startBakery({ templatesDir: dir });
    try {
      const template = (word: string) =>
        JSON.stringify({
          variables: { bake_id: '', packages: '' },
          builders: [{ type: 'null', name: 'image', communicator: 'none' }],
          provisioners: [{ type: 'shell-local', inline: [`echo ${word} {{user \`packages\`}}`] }],
        });
      writeFileSync(path.join(dir, 'team.json'), template('first'));
      const one = await post(b.baseUrl, '/api/v1/us-east-1/bake', orcaBody({ template_file_name: 'team.json' }));
      await waitForEnd(b.baseUrl, 'us-east-1', one.body.id);
      expect((await get(b.baseUrl, `/api/v1/us-east-1/logs/${one.body.id}`)).body.logsContent).toContain('first nginx');

      writeFileSync(path.join(dir, 'team.json'), template('second'));
      const two = await post(b.baseUrl, '/api/v1/us-east-1/bake', orcaBody({ template_file_name: 'team.json' }));
      expect(two.body.id).not.toBe(one.body.id);
      await waitForEnd(b.baseUrl, 'us-east-1', two.body.id);
      expect((await get(b.baseUrl, `/api/v1/us-east-1/logs/${two.body.id}`)).body.logsContent).toContain('second nginx');
    } finally {
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bad input answers 4xx in the error shape, never 5xx', () => {
  let b: Awaited<ReturnType<typeof startBakery>>;
  beforeAll(async () => {
    b = await startBakery();
  });
  afterAll(async () => {
    await b.close();
  });
  const long = (n: number) => 'x'.repeat(n);
  it.each([
    ['createBake malformed JSON', 'POST', '/api/v1/us-east-1/bake', '{"package":', 'application/json'],
    ['createBake wrong content type', 'POST', '/api/v1/us-east-1/bake', 'package=nginx', 'text/plain'],
    ['createBake array body', 'POST', '/api/v1/us-east-1/bake', '[]', 'application/json'],
    ['createBake long package', 'POST', '/api/v1/us-east-1/bake', JSON.stringify({ package: long(4097) }), 'application/json'],
    ['createBake long artifact reference', 'POST', '/api/v1/us-east-1/bake', JSON.stringify({ package_artifacts: [{ type: 'deb', reference: long(2049) }] }), 'application/json'],
    ['createBake long region', 'POST', `/api/v1/${long(65)}/bake`, '{}', 'application/json'],
    ['createBake wrong enum', 'POST', '/api/v1/us-east-1/bake', JSON.stringify({ vm_type: 'xen' }), 'application/json'],
    ['createBake long extended attribute', 'POST', '/api/v1/us-east-1/bake', JSON.stringify({ extended_attributes: { a: long(4097) } }), 'application/json'],
    ['deleteBake no body', 'DELETE', '/api/v1/us-east-1/bake', '', 'application/json'],
    ['delete-requests missing ids', 'POST', '/api/v1/bakes/delete-requests', '{}', 'application/json'],
    ['delete-requests wrong type', 'POST', '/api/v1/bakes/delete-requests', JSON.stringify({ pipelineExecutionIds: 'x' }), 'application/json'],
    ['manifest array body', 'POST', '/api/v2/manifest/bake/HELM3', '[]', 'application/json'],
    ['retention missing keep', 'POST', '/api/v1/us-east-1/images/retention', JSON.stringify({ application: 'a' }), 'application/json'],
    ['logs bad offset', 'GET', '/api/v1/us-east-1/logs/x?offset=-1', undefined, undefined],
    ['logs bad follow', 'GET', '/api/v1/us-east-1/logs/x?follow=yes', undefined, undefined],
  ])('%s', async (_n, method, p, body, type) => {
    const res = await fetch(`${b.baseUrl}${p}`, { method, ...(body !== undefined ? { body, headers: { 'Content-Type': type! } } : {}) });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const err = await res.json();
    expect(err).toMatchObject({ status: res.status, error: expect.any(String), message: expect.any(String), path: expect.any(String) });
  });
});

describe('without a usable Packer binary', () => {
  it('answers 502 (not 400) for a bake, and health says DOWN', async () => {
    const b = await startBakery({ packer: { binary: '/nonexistent/packer', pollMillis: 50 } });
    try {
      const r = await post(b.baseUrl, '/api/v1/us-east-1/bake', orcaBody());
      expect(r.status).toBe(502);
      expect(r.body.message).toContain('bake.packer.binary');
      const health = await get(b.baseUrl, '/health');
      expect(health.status).toBe(503);
      expect(health.body.status).toBe('DOWN');
      expect(health.body.components.bake.status).toBe('DOWN');
    } finally {
      await b.close();
    }
  });
});

describe('bake.packer.timeoutMinutes', () => {
  // Real Packer under a loaded machine: the cancel lands while Packer may still be starting, so it can take a re-sent
  // SIGTERM (RESIGNAL_MS) to stop it; the run must still end CANCELED and leave no process behind.
  it('cancels a Packer run that takes too long, saying why, and leaves no process behind', { timeout: 90_000 }, async () => {
    const b = await startBakery({ packer: { timeoutMinutes: 0.005, pollMillis: 50 } });
    try {
      const r = await post(b.baseUrl, '/api/v1/us-east-1/bake', orcaBody({ extended_attributes: { bake_seconds: '120' } }));
      expect(r.status).toBe(200);
      let pgid: number | undefined;
      for (let i = 0; pgid === undefined && i < 600; i++) {
        const rec = await b.provider.service.record(r.body.id);
        pgid = rec?.pid;
        if (pgid === undefined) await new Promise((res) => setTimeout(res, 20));
      }
      expect(pgid, 'the bake never recorded its Packer process group').toBeDefined();
      const end = await waitForEnd(b.baseUrl, 'us-east-1', r.body.id);
      const log = (await get(b.baseUrl, `/api/v1/us-east-1/logs/${r.body.id}`)).body.logsContent;
      expect(end.body, log).toMatchObject({ state: 'CANCELED', result: 'FAILURE' });
      expect(end.body.message).toContain('bake.packer.timeoutMinutes');
      await until(() => groupGone(pgid!));
    } finally {
      await b.close();
    }
  });
});
