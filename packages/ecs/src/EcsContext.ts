import { readFileSync } from 'node:fs';
import { parseConfigSection, type AccountConfig, type ProviderDeps } from '@outrigger/runtime';
import { EcsConfigSchema, type EcsConfig } from './config/EcsConfigSchema.js';
import { InMemoryRenderStore, PostgresRenderStore, SqliteRenderStore, type RenderStore } from './renders/RenderStore.js';

/** What every ECS operation needs: the provider deps, the parsed `ecs:` config and the render store. */
export interface EcsContext {
  deps: ProviderDeps;
  config: EcsConfig;
  renders: RenderStore;
  githubToken?: string;
  accountByName(name: string): AccountConfig | undefined;
  /** Injected sleep/clock for pollers (tests run instantly). */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export function createEcsContext(deps: ProviderDeps, opts: { sleep?: (ms: number) => Promise<void>; now?: () => number } = {}): EcsContext {
  const config = parseConfigSection(EcsConfigSchema, deps.config.ecs ?? {}, { source: deps.configSource, keyPath: ['ecs'] });
  const gh = config.artifacts.github;
  const githubToken = gh.token ?? (gh.tokenFile ? readFileSync(gh.tokenFile, 'utf8').trim() : undefined);
  return {
    deps,
    config,
    renders: renderStoreFor(deps, config.renders.retentionDays * 86_400_000),
    ...(githubToken ? { githubToken } : {}),
    accountByName: (name) => deps.config.aws.accounts.find((a) => a.name === name),
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  };
}

function renderStoreFor(deps: ProviderDeps, retentionMs: number): RenderStore {
  if (deps.postgres) return new PostgresRenderStore(deps.postgres, retentionMs);
  if (deps.database) return new SqliteRenderStore(deps.database, retentionMs);
  return new InMemoryRenderStore(retentionMs);
}
