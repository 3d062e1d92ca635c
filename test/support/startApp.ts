import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigSchema, createLogger } from '@outrigger/runtime';
import { compose, type ComposeOptions, type Composed } from '@outrigger/server';

export interface Started {
  composed: Composed;
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

/** Composes outrigger in-process (every provider unless told otherwise) on a loopback port, with a temp data dir. */
export async function startApp(options: { config?: Record<string, unknown> } & Omit<ComposeOptions, 'config' | 'providers'> & Partial<Pick<ComposeOptions, 'providers'>> = {}): Promise<Started> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'outrigger-app-'));
  const config = ConfigSchema.parse({ dataDir, storage: { type: 'memory' }, logging: { level: 'silent' }, ...options.config });
  const composed = await compose({ validateResponses: true, logger: createLogger({ level: 'silent' }), ...options, config });
  const server = composed.app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await composed.start({ baseUrl: url });
  return {
    composed,
    url,
    dataDir,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await composed.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
