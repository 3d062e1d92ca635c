import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { composeApp, ConfigSchema, type AwsClientFactory } from '@outrigger/runtime';
import { createBakeProvider, type BakeProvider } from '../createBakeProvider.js';

export const fixtureTemplates = fileURLToPath(new URL('../../fixtures/templates/', import.meta.url));

/** Composes the bake provider alone on loopback with a temp data dir and the fixture templates. */
export async function startBakery(bake: Record<string, unknown> = {}, extra: { aws?: AwsClientFactory; config?: Record<string, unknown>; dataDir?: string; configSource?: string; logger?: Logger } = {}) {
  const dataDir = extra.dataDir ?? mkdtempSync(path.join(tmpdir(), 'outrigger-bake-'));
  const c = await composeApp({
    config: ConfigSchema.parse({
      dataDir,
      logging: { level: 'silent' },
      bake: { templatesDir: fixtureTemplates, packer: { pollMillis: 50 }, ...bake },
      ...extra.config,
    }),
    providers: [createBakeProvider],
    validateResponses: true,
    ...(extra.aws ? { aws: extra.aws } : {}),
    ...(extra.configSource ? { configSource: extra.configSource } : {}),
    ...(extra.logger ? { logger: extra.logger } : {}),
  });
  const server = c.app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await c.start({ baseUrl });
  const provider = c.providers[0] as BakeProvider;
  return {
    baseUrl,
    dataDir,
    provider,
    async close(removeData = true) {
      await c.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      if (removeData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const orcaHeaders = {
  'Content-Type': 'application/json',
  'X-SPINNAKER-USER': 'ops@example.com',
  'X-SPINNAKER-APPLICATION': 'nginx',
  'X-SPINNAKER-EXECUTION-ID': '01HEXEC000000000000000000:01HSTAGE:01HTASK',
};

/** A body the way Orca's CreateBakeTask sends it: the whole stage context, snake_cased top-level keys. */
export function orcaBody(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'bake',
    name: 'Bake',
    ref_id: '1',
    requisite_stage_ref_ids: [],
    region: 'us-east-1',
    regions: ['us-east-1'],
    cloud_provider_type: 'local',
    cloud_provider: 'local',
    package: 'nginx',
    package_type: 'DEB',
    base_os: 'local',
    base_label: 'release',
    vm_type: 'hvm',
    store_type: 'ebs',
    user: 'ops@example.com',
    ami_suffix: '20260101000000',
    stage_timeout_ms: 3_600_000,
    show_advanced_options: false,
    root_volume_size: 8,
    extended_attributes: { team: 'web' },
    ...over,
  };
}

export async function post(baseUrl: string, p: string, body: unknown, headers: Record<string, string> = orcaHeaders) {
  const res = await fetch(`${baseUrl}${p}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as Record<string, any> };
}

export async function get(baseUrl: string, p: string) {
  const res = await fetch(`${baseUrl}${p}`);
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // text/plain
  }
  return { status: res.status, body };
}

/** Polls like Orca's MonitorBakeTask (without its 30 s backoff) until the bake leaves RUNNING. */
export async function waitForEnd(baseUrl: string, region: string, id: string) {
  for (;;) {
    const s = await get(baseUrl, `/api/v1/${region}/status/${id}`);
    if (s.status !== 200 || s.body.state !== 'RUNNING') return s;
    await new Promise((r) => setTimeout(r, 50));
  }
}
