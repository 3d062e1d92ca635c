import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { loadConfig, redactUrl, type OutriggerConfig } from '@outrigger/runtime';
import { BakeConfigSchema } from '@outrigger/bake';
import { EcsConfigSchema } from '@outrigger/ecs';
import { LambdaConfigSchema } from '@outrigger/lambda';
import { compose, type Composed } from './compose.js';
import { createClouddriverPassthrough } from './createClouddriverPassthrough.js';

export interface ServeOptions {
  configFile?: string;
  port?: number;
  host?: string;
  dataDir?: string;
  clouddriverUrl?: string;
  /** Overrides `logging.level` (the in-process `outrigger bake` keeps request logs quiet). */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Where the start-up lines go (stdout by default). */
  print?: (line: string) => void;
}

export interface Serving {
  composed: Composed;
  server: Server;
  url: string;
  stop(): Promise<void>;
}

/** Loads config, composes the providers, listens, and stops cleanly: `outrigger serve`. */
export async function serve(options: ServeOptions = {}): Promise<Serving> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const overrides: Record<string, unknown> = {
    server: { ...(options.port !== undefined ? { port: options.port } : {}), ...(options.host ? { host: options.host } : {}) },
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.clouddriverUrl ? { clouddriver: { baseUrl: options.clouddriverUrl } } : {}),
    ...(options.logLevel ? { logging: { level: options.logLevel } } : {}),
  };
  const { config, source } = loadConfig({
    ...(options.configFile ? { file: options.configFile } : {}),
    overrides,
    sections: { lambda: LambdaConfigSchema, ecs: EcsConfigSchema, bake: BakeConfigSchema },
  });
  // Embedded defaults are a try-out on one machine: only this machine can reach it, until a config file or --host says otherwise.
  const loopbackOnly = source === '(defaults)' && !options.host;
  if (loopbackOnly) config.server.host = '127.0.0.1';
  const clouddriverUrl = config.clouddriver.baseUrl;
  const composed = await compose({
    config,
    configSource: source,
    ...(clouddriverUrl ? { fallback: (deps) => createClouddriverPassthrough({ baseUrl: clouddriverUrl, logger: deps.logger }) } : {}),
  });
  const server = composed.app.listen(config.server.port, config.server.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  server.keepAliveTimeout = 65_000;
  const address = server.address() as AddressInfo;
  const hostUrl = (host: string) => `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  const wildcard = ['0.0.0.0', '::'].includes(address.address);
  // The real bound address; on all interfaces, links use localhost (this machine's view of it).
  const listening = hostUrl(address.address);
  const url = wildcard ? hostUrl('localhost') : listening;
  await composed.start({ baseUrl: url });
  const reach = wildcard
    ? 'all interfaces'
    : address.address.startsWith('127.') || address.address === '::1'
      ? `this machine only${loopbackOnly ? '; pass --host 0.0.0.0 or set server.host in a config file to accept other machines' : ''}`
      : undefined;
  print(`outrigger listening on ${listening}${reach ? ` (${reach})` : ''} (config: ${source}, storage: ${describeStorage(config.storage, composed.deps.dataDir)})`);
  print(`API reference: ${url}/api-docs   health: ${url}/health   metrics: ${url}/metrics`);
  if (composed.providers.length) print(`providers: ${composed.providers.map((p) => p.name).join(', ')}`);
  if (clouddriverUrl) print(`forwarding every other request to clouddriver at ${clouddriverUrl}`);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      composed.logger.info('shutting down: no new connections, draining running tasks');
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      await composed.close();
      server.closeAllConnections();
      await closed;
    })());
  return { composed, server, url, stop };
}

function describeStorage(storage: OutriggerConfig['storage'], dataDir: string): string {
  if (storage.type === 'sqlite') return `sqlite under ${dataDir}`;
  if (storage.type === 'postgres') return `postgres ${redactUrl(storage.url ?? '')} schema ${storage.schema}`;
  return storage.type;
}
