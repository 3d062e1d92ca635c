import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigSchema } from '@outrigger/runtime';
import { compose } from '@outrigger/server';
import { describe, expect, it } from 'vitest';

// The ECS provider as `outrigger serve` composes it (default provider list, SQLite storage): a render is kept in the
// database and served at its URL, also after a second compose on the same data directory.
describe('ECS through compose()', () => {
  it('renders, keeps the render in SQLite and serves it to clouddriver', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'outrigger-ecs-e2e-'));
    const config = ConfigSchema.parse({ dataDir: dir, storage: { type: 'sqlite' }, logging: { level: 'silent' } });
    try {
      const c = await compose({ config, validateResponses: true });
      const server = c.app.listen(0, '127.0.0.1');
      await new Promise<void>((r) => server.once('listening', () => r()));
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await c.start({ baseUrl });
      const res = await fetch(`${baseUrl}/ecs/taskDefinitions/render`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          taskDefinition: { Family: 'web', ContainerDefinitions: [{ Name: 'web', Image: 'PLACEHOLDER' }] },
          containerToImageMap: { web: 'nginx:1.27' },
        }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { url: string; report: { action: string }[] };
      expect(body.url.startsWith(`${baseUrl}/ecs/renders/`)).toBe(true);
      expect(body.report.filter((e) => e.action === 'renamed')).toHaveLength(4);
      await c.close();
      server.close();

      const again = await compose({ config });
      const server2 = again.app.listen(0, '127.0.0.1');
      await new Promise<void>((r) => server2.once('listening', () => r()));
      const url2 = `http://127.0.0.1:${(server2.address() as AddressInfo).port}${new URL(body.url).pathname}`;
      const kept = await fetch(url2);
      expect(kept.status).toBe(200);
      expect(await kept.json()).toEqual({ family: 'web', containerDefinitions: [{ name: 'web', image: 'nginx:1.27' }] });
      await again.close();
      server2.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
