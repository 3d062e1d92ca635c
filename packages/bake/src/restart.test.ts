import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleChild, kill9, startChild as start, type Child } from '@outrigger/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsQueryEndpoint } from './__fixtures__/awsQueryEndpoint.js';
import { fixtureTemplates, get, orcaBody, post, waitForEnd } from './__fixtures__/harness.js';

const pkgDir = fileURLToPath(new URL('../', import.meta.url));
// Inside the package, so the bundle finds the shipped templates (../templates) and node_modules as the server does.
const bundleDir = path.join(pkgDir, '.test-bundle');
let bundle: Awaited<ReturnType<typeof bundleChild>>;

/** Starts the bundled outrigger (bake provider only) as a child process and resolves with its URL. */
function startChild(dataDir: string, bake: Record<string, unknown> = {}, more: { config?: Record<string, unknown>; env?: Record<string, string> } = {}): Promise<Child> {
  const config = { dataDir, logging: { level: 'silent' }, ...more.config, bake: { templatesDir: fixtureTemplates, packer: { pollMillis: 50 }, ...bake } };
  return start(bundle.file, config, more.env ? { env: more.env } : {});
}

/** Live (non-zombie) processes of a process group, from /proc: Packer, its plugins, shell-local scripts. */
function liveInGroup(pgid: number): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[2]) === pgid && rest[0] !== 'Z') out.push(`${pid} ${stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))}`);
    } catch {
      // exited meanwhile
    }
  }
  return out;
}
const groupAlive = (pgid: number) => liveInGroup(pgid).length > 0;
async function untilGroupGone(pgid: number) {
  while (groupAlive(pgid)) await new Promise((r) => setTimeout(r, 50));
}

async function packerPid(url: string, id: string): Promise<number> {
  for (;;) {
    const logs = await get(url, `/api/v1/us-east-1/logs/${id}`);
    const m = /packer started \(pid (\d+)\)/.exec(logs.status === 200 ? logs.body.logsContent : '');
    // Wait until Packer runs the provisioner (the shell-local child exists), so the kill lands mid-bake.
    if (m && logs.body.logsContent.includes('installing deb packages')) return Number(m[1]);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('restart: SIGKILL outrigger mid-bake', () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    bundle = await bundleChild(fileURLToPath(new URL('./__fixtures__/bakeryProcess.ts', import.meta.url)), bundleDir, 'bakery');
  });
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    bundle?.remove();
  });

  it('re-attaches to the running Packer and finishes the same bake id with exactly one Packer run', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'outrigger-restart-'));
    dirs.push(dataDir);
    const first = await startChild(dataDir);
    children.push(first.child);
    const res = await post(first.url, '/api/v1/us-east-1/bake', orcaBody({ extended_attributes: { bake_seconds: '4' } }));
    expect(res.body).toMatchObject({ state: 'RUNNING' });
    const id = res.body.id as string;
    const pgid = await packerPid(first.url, id);
    await kill9(first.child);
    expect(groupAlive(pgid)).toBe(true);

    const second = await startChild(dataDir);
    children.push(second.child);
    const end = await waitForEnd(second.url, 'us-east-1', id);
    expect(end.body).toMatchObject({ id, state: 'COMPLETED', result: 'SUCCESS' });
    const bake = await get(second.url, `/api/v1/us-east-1/bake/${id}`);
    expect(existsSync(bake.body.artifact.reference)).toBe(true);

    const logs = (await get(second.url, `/api/v1/us-east-1/logs/${id}`)).body.logsContent as string;
    expect(logs.match(/packer started/g)).toHaveLength(1);
    expect(logs).toContain('re-attaching to Packer');
    expect(logs.match(/artifact 0 id: File/g)).toHaveLength(1);
    // Nothing of the run is left: the wrapper, Packer, its plugins and the shell-local scripts all ended.
    await untilGroupGone(pgid);
    expect(liveInGroup(pgid)).toEqual([]);
    await kill9(second.child);
  });

  it('ends the bake CANCELED + FAILURE, saying so, when Packer died with outrigger', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'outrigger-restart-'));
    dirs.push(dataDir);
    const first = await startChild(dataDir);
    children.push(first.child);
    const res = await post(first.url, '/api/v1/us-east-1/bake', orcaBody({ extended_attributes: { bake_seconds: '30' } }));
    const id = res.body.id as string;
    const pgid = await packerPid(first.url, id);
    await kill9(first.child);
    process.kill(-pgid, 'SIGKILL');
    await untilGroupGone(pgid);

    const second = await startChild(dataDir);
    children.push(second.child);
    const end = await waitForEnd(second.url, 'us-east-1', id);
    expect(end.body).toMatchObject({ id, state: 'CANCELED', result: 'FAILURE' });
    expect(end.body.message).toContain('Packer is no longer running');
    await kill9(second.child);
  });

  it("an aws bake re-attached after the restart keeps getting its account's credentials (same endpoint port, same token)", async () => {
    // Packer's first image lookup is held while outrigger is killed and started again; its next call needs fresh
    // credentials (they expire within the SDK's refresh window), which only the restarted process can serve.
    let holdFirstLookup = true;
    const aws = await startAwsQueryEndpoint({ hold: (c) => c.action === 'DescribeImages' && holdFirstLookup && !(holdFirstLookup = false) });
    const dataDir = mkdtempSync(path.join(tmpdir(), 'outrigger-restart-'));
    dirs.push(dataDir);
    const more = {
      config: { aws: { accounts: [{ name: 'prod', accountId: '111111111111', assumeRole: 'role/bakery', externalId: 'ext-prod', endpoint: aws.url, regions: ['us-east-1'] }] } },
      env: { AWS_ACCESS_KEY_ID: 'AKIABASEBASEBASEBASE', AWS_SECRET_ACCESS_KEY: 'base-secret', AWS_REGION: 'us-east-1' },
    };
    const bake = { aws: { bakeAccount: 'prod' } };
    try {
      const first = await startChild(dataDir, bake, more);
      children.push(first.child);
      const res = await post(first.url, '/api/v1/us-east-1/bake', orcaBody({ cloud_provider_type: 'aws', base_ami: 'ami-0123456789abcdef0', account_name: 'prod' }));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const id = res.body.id as string;
      while (!aws.calls.some((c) => c.action === 'DescribeImages')) await new Promise((r) => setTimeout(r, 50));
      const issuedBefore = aws.issued.length;
      await kill9(first.child);

      const second = await startChild(dataDir, bake, more);
      children.push(second.child);
      aws.release();
      const end = await waitForEnd(second.url, 'us-east-1', id);
      // Packer got past its credentials: it failed where the endpoint stops every bake (no source image), not on auth.
      expect(end.body).toMatchObject({ id, state: 'CANCELED', result: 'FAILURE' });
      expect(end.body.message).toContain('ami-0123456789abcdef0');
      const lookups = aws.calls.filter((c) => c.action === 'DescribeImages');
      expect(lookups.length).toBeGreaterThanOrEqual(2);
      // The lookup after the restart was signed with a session the restarted process assumed and served.
      const afterRestart = aws.issued.slice(issuedBefore).map((i) => i.keyId);
      expect(afterRestart.length).toBeGreaterThan(0);
      expect(afterRestart).toContain(lookups.at(-1)!.keyId);
      const logs = (await get(second.url, `/api/v1/us-east-1/logs/${id}`)).body.logsContent as string;
      expect(logs).toContain('re-attaching to Packer');
      expect(logs.match(/packer started/g)).toHaveLength(1);
      await kill9(second.child);
    } finally {
      aws.release();
      await aws.close();
    }
  });

  it('keeps queued bakes across the restart and runs them after the running one', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'outrigger-restart-'));
    dirs.push(dataDir);
    const first = await startChild(dataDir, { maxConcurrentBakes: 1 });
    children.push(first.child);
    const running = await post(first.url, '/api/v1/us-east-1/bake', orcaBody({ extended_attributes: { bake_seconds: '2' } }));
    const queued = await post(first.url, '/api/v1/us-east-1/bake', orcaBody({ package: 'redis' }));
    expect(queued.body).toMatchObject({ state: 'RUNNING', queue_position: 1 });
    await packerPid(first.url, running.body.id);
    await kill9(first.child);

    const second = await startChild(dataDir, { maxConcurrentBakes: 1 });
    children.push(second.child);
    expect((await waitForEnd(second.url, 'us-east-1', running.body.id)).body).toMatchObject({ state: 'COMPLETED', result: 'SUCCESS' });
    expect((await waitForEnd(second.url, 'us-east-1', queued.body.id)).body).toMatchObject({ state: 'COMPLETED', result: 'SUCCESS' });
    await kill9(second.child);
  });
});
