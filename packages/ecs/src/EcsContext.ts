import { readFileSync } from 'node:fs';
import { parseConfigSection, resolveAccounts, type AccountConfig, type ProviderDeps } from '@outrigger/runtime';
import { EcsConfigSchema, type EcsConfig } from './config/EcsConfigSchema.js';
import { InMemoryRenderStore, PostgresRenderStore, SqliteRenderStore, type RenderStore } from './renders/RenderStore.js';

/** What every ECS operation needs: the provider deps, the parsed `ecs:` config and the render store. */
export interface EcsContext {
  deps: ProviderDeps;
  config: EcsConfig;
  renders: RenderStore;
  githubToken?: string;
  /** Any account by name (an AWS account, or an ECS account with its AWS account's credentials). */
  accountByName(name: string): AccountConfig | undefined;
  /** An ECS account (`ecs.accounts[].name`, or an AWS account with `ecsEnabled: true`). */
  ecsAccountByName(name: string): AccountConfig | undefined;
  /** Injected sleep/clock for pollers (tests run instantly). */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export function createEcsContext(deps: ProviderDeps, opts: { sleep?: (ms: number) => Promise<void>; now?: () => number } = {}): EcsContext {
  const config = parseConfigSection(EcsConfigSchema, deps.config.ecs ?? {}, { source: deps.configSource, keyPath: ['ecs'] });
  const gh = config.artifacts.github;
  const accounts = resolveAccounts(deps.config);
  const githubToken = gh.token ?? (gh.tokenFile ? readFileSync(gh.tokenFile, 'utf8').trim() : undefined);
  return {
    deps,
    config,
    renders: renderStoreFor(deps, config.renders.retentionDays * 86_400_000),
    ...(githubToken ? { githubToken } : {}),
    accountByName: (name) => accounts.find((a) => a.name === name),
    ecsAccountByName: (name) => accounts.find((a) => a.name === name && a.ecsEnabled),
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  };
}

function renderStoreFor(deps: ProviderDeps, retentionMs: number): RenderStore {
  if (deps.postgres) return new PostgresRenderStore(deps.postgres, retentionMs);
  if (deps.database) return new SqliteRenderStore(deps.database, retentionMs);
  return new InMemoryRenderStore(retentionMs);
}
