// outrigger as a pf4j plugin repository, read the way Gate reads it: plugins.json at the repository URL, the release
// url resolved against it, the zip's sha512 checked, the deck part found (index.js at its root).
import { createHash } from 'node:crypto';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deckPluginId, deckPluginVersion } from '@outrigger/deck-plugin/stages';
import { startApp, type Started } from '../support/startApp.js';

let app: Started;
beforeAll(async () => {
  app = await startApp({
    config: {
      aws: {
        defaultRegions: ['us-east-1'],
        accounts: [
          { name: 'sandbox', regions: ['us-west-2', 'eu-west-1'], lambdaEnabled: true, ecsEnabled: true },
          { name: 'prod', accountId: '123456789012', environment: 'prod', regions: [{ name: 'us-east-1' }], permissions: { READ: ['ops'], WRITE: ['ops'] } },
          { name: 'tools', ecsEnabled: true },
        ],
      },
      // An ECS account named differently from the AWS account whose credentials it uses (clouddriver's ecs.accounts).
      ecs: { accounts: [{ name: 'ecs-sandbox', awsAccount: 'sandbox' }] },
    },
  });
});
afterAll(() => app?.close());

describe('the plugin repository outrigger serves', () => {
  it("answers plugins.json whose release Gate can download, verify and extract (deck.zip, index.js at its root)", async () => {
    const repoUrl = `${app.url}/plugins/repository/plugins.json`;
    const res = await fetch(repoUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const index = (await res.json()) as { id: string; releases: { version: string; requires: string; url: string; sha512sum: string; date: string }[] }[];
    const plugin = index.find((p) => p.id === deckPluginId)!;
    expect(plugin).toBeDefined();
    // Gate's deck-proxy picks the newest release whose `requires` names deck.
    const release = plugin.releases.find((r) => r.requires.includes('deck'))!;
    expect(release).toMatchObject({ version: deckPluginVersion, requires: 'deck>=0.0.0' });
    // pf4j resolves the release url against the repository URL.
    const zipUrl = new URL(release.url, repoUrl).href;
    expect(zipUrl).toBe(`${app.url}/plugins/repository/deck.zip`);
    const zipRes = await fetch(zipUrl);
    expect(zipRes.status).toBe(200);
    expect(zipRes.headers.get('content-type')).toBe('application/zip');
    const zip = Buffer.from(await zipRes.arrayBuffer());
    expect(createHash('sha512').update(zip).digest('hex')).toBe(release.sha512sum);
    const files = unzipSync(new Uint8Array(zip));
    expect(Buffer.from(files['index.js']!).toString('utf8')).toMatch(/export \{[^}]*\bplugin\b/);
  });

  it('needs no credentials (Gate reads it as a service), and health names the bundle', async () => {
    const health = (await (await fetch(`${app.url}/health`)).json()) as { components: Record<string, { status: string; details?: Record<string, unknown> }> };
    expect(health.components.deckPlugin).toMatchObject({ status: 'UP', details: { bundle: 'deck.zip' } });
  });
});

describe('GET /accounts (the stage pickers)', () => {
  it('lists the accounts the caller may read, with their regions (defaults when none) and capabilities', async () => {
    const anonymous = (await (await fetch(`${app.url}/accounts`)).json()) as { name: string }[];
    expect(anonymous).toEqual([
      { name: 'sandbox', type: 'aws', cloudProvider: 'aws', regions: [{ name: 'us-west-2' }, { name: 'eu-west-1' }], lambdaEnabled: true, ecsEnabled: true },
      { name: 'tools', type: 'aws', cloudProvider: 'aws', regions: [{ name: 'us-east-1' }], lambdaEnabled: false, ecsEnabled: true },
      // ECS only: the pickers offer it to ECS stages and not to Lambda or bake stages.
      { name: 'ecs-sandbox', type: 'aws', cloudProvider: 'aws', regions: [{ name: 'us-west-2' }, { name: 'eu-west-1' }], lambdaEnabled: false, ecsEnabled: true, awsAccount: 'sandbox' },
    ]);
    const ops = (await (await fetch(`${app.url}/accounts`, { headers: { 'X-SPINNAKER-USER': 'alice', 'X-SPINNAKER-ACCOUNTS': 'prod,tools' } })).json()) as { name: string }[];
    expect(ops.map((a) => a.name)).toEqual(['prod', 'tools']);
    expect(ops[0]).toMatchObject({ accountId: '123456789012', environment: 'prod', regions: [{ name: 'us-east-1' }] });
  });
});
