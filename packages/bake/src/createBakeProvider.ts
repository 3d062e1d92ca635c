import { existsSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router } from 'express';
import {
  ConfigError,
  InputError,
  openSqlite,
  parseConfigSection,
  type AccountConfig,
  type Provider,
  type ProviderDeps,
} from '@outrigger/runtime';
import { findImageByName } from './aws/findImageByName.js';
import { packerVersion } from './packer/runPacker.js';
import { reapBakeResources } from './aws/reapBakeResources.js';
import { AwsBakeryDefaultsSchema, BakeConfigSchema, type BakeConfig } from './config/BakeConfigSchema.js';
import { createBakeService, type BakeService } from './createBakeService.js';
import type { BakeOperationDeps } from './operations/BakeOperationDeps.js';
import { bindListBakeOptions } from './operations/ListBakeOptions.js';
import { bindGetBakeOptions } from './operations/GetBakeOptions.js';
import { bindGetBaseImage } from './operations/GetBaseImage.js';
import { bindCreateBake } from './operations/CreateBake.js';
import { bindDeleteBake } from './operations/DeleteBake.js';
import { bindGetBakeStatus } from './operations/GetBakeStatus.js';
import { bindGetBake } from './operations/GetBake.js';
import { bindGetBakeLogs } from './operations/GetBakeLogs.js';
import { bindGetBakeLogsByImage } from './operations/GetBakeLogsByImage.js';
import { bindCancelBake } from './operations/CancelBake.js';
import { bindDeleteBakesByExecution } from './operations/DeleteBakesByExecution.js';
import { bindApplyImageRetention } from './operations/ApplyImageRetention.js';
import { bindBakeManifest } from './operations/BakeManifest.js';
import { bindGetBakeryInstanceStatus } from './operations/GetBakeryInstanceStatus.js';
import { bindGetBakeryAllStatus } from './operations/GetBakeryAllStatus.js';
import type { BakeStore } from './store/BakeStore.js';
import { PostgresBakeStore } from './store/PostgresBakeStore.js';
import { SqliteBakeStore } from './store/SqliteBakeStore.js';

/** The templates shipped with this package (source layout, or next to the bundled server). */
export function shippedTemplatesDir(): string {
  const candidates = [new URL('../templates/', import.meta.url), new URL('../../bake/templates/', import.meta.url)].map((u) => fileURLToPath(u));
  return candidates.find((d) => existsSync(path.join(d, 'local.json'))) ?? candidates[0]!;
}

/**
 * The `bake:` section, with Rosco's `aws.bakeryDefaults` (pasted from rosco.yml at the top level, beside clouddriver's
 * `aws.accounts`) moved to `bake.aws.bakeryDefaults`, outrigger's own place for it. Both at once is an error.
 */
function withRoscoBakeryDefaults(deps: ProviderDeps): Record<string, unknown> {
  const bake = deps.config.bake;
  const rosco = (deps.config.aws as Record<string, unknown>).bakeryDefaults;
  if (rosco === undefined) return bake;
  const ownAws = bake.aws && typeof bake.aws === 'object' ? (bake.aws as Record<string, unknown>) : {};
  if (ownAws.bakeryDefaults !== undefined) {
    throw new ConfigError(
      `invalid configuration\n  ${deps.configSource}: aws.bakeryDefaults and bake.aws.bakeryDefaults are both set; keep one ` +
        `(aws.bakeryDefaults is Rosco's place, pasted from rosco.yml; bake.aws.bakeryDefaults is outrigger's)`,
    );
  }
  const parsed = parseConfigSection(AwsBakeryDefaultsSchema, rosco, { source: deps.configSource, keyPath: ['aws', 'bakeryDefaults'] });
  return { ...bake, aws: { ...ownAws, bakeryDefaults: parsed } };
}

export interface BakeProvider extends Provider {
  service: BakeService;
  store: BakeStore;
  config: BakeConfig;
  /** One pass of the reaper (also run at start and every `bake.aws.reaper.intervalMinutes`). */
  reap(): Promise<void>;
}

/**
 * `@outrigger/bake`: a Rosco-compatible bakery. Orca uses it through `bakery.baseUrls` or `services.rosco.baseUrl`.
 */
export function createBakeProvider(deps: ProviderDeps): BakeProvider {
  const config = parseConfigSection(BakeConfigSchema, withRoscoBakeryDefaults(deps), { source: deps.configSource, keyPath: ['bake'] });
  // The local demo provider runs only on embedded defaults, or when a config file turns it on.
  config.local.enabled ??= deps.configSource === '(defaults)';
  // PostgreSQL: bakes, logs and dedupe shared by every replica, each running its own Packer runs under a lease.
  const store: BakeStore = deps.postgres
    ? new PostgresBakeStore(deps.postgres, deps.tasks.ownerId)
    : new SqliteBakeStore(deps.database ?? openSqlite(':memory:'));
  const templateDirs = [...(config.templatesDir ? [path.resolve(config.templatesDir)] : []), shippedTemplatesDir()];

  const accountFor = (name: string | undefined): AccountConfig => {
    const accounts = deps.config.aws.accounts;
    const a = (name && accounts.find((x) => x.name === name)) || accounts[0];
    if (!a) {
      throw new InputError('Validation Failed', {
        errors: [{ field: '$.body.base_ami', message: 'resolving an image name needs an AWS account in aws.accounts (or bake.aws.bakeAccount)' }],
      });
    }
    return a;
  };

  const lookups = new Map<string, Promise<string | undefined>>();
  const service = createBakeService({
    config,
    store,
    logger: deps.logger.child({ provider: 'bake' }),
    dataDir: deps.dataDir,
    heartbeatMs: deps.heartbeatMs,
    templateDirs,
    bakeAccount: (requested) => {
      const accounts = deps.config.aws.accounts;
      if (requested) return accounts.find((a) => a.name === requested);
      return accounts[0];
    },
    accountCredentials: (accountName, region) => {
      const account = deps.config.aws.accounts.find((a) => a.name === accountName);
      return account && deps.aws.credentials ? deps.aws.credentials(account, region) : undefined;
    },
    findImageByName: (pattern, region, accountName) => {
      // Concurrent identical requests share one DescribeImages call.
      const account = accountFor(accountName);
      const key = `${account.name}\u0000${region}\u0000${pattern}`;
      let p = lookups.get(key);
      if (!p) {
        p = findImageByName(deps.aws, account, region, pattern, config.aws.imageOwners).finally(() => lookups.delete(key));
        lookups.set(key, p);
      }
      return p;
    },
  });

  const router = Router();
  const operationDeps: BakeOperationDeps = { router, deps, service, config, accountFor };
  for (const bind of [
    bindListBakeOptions,
    bindGetBakeOptions,
    bindGetBaseImage,
    bindCreateBake,
    bindDeleteBake,
    bindGetBakeStatus,
    bindGetBake,
    bindGetBakeLogs,
    bindGetBakeLogsByImage,
    bindCancelBake,
    bindDeleteBakesByExecution,
    bindApplyImageRetention,
    bindBakeManifest,
    bindGetBakeryInstanceStatus,
    bindGetBakeryAllStatus,
  ])
    bind(operationDeps);

  const log = deps.logger.child({ provider: 'bake' });
  /**
   * One reaper pass: in every account aws bakes ran as (and the bake account), over the regions aws bakes used and
   * the account's regions. Packer ran as the bake's account, so its leftovers are there.
   */
  async function reap(): Promise<void> {
    const names = new Set<string>();
    const fallback = config.aws.bakeAccount ?? deps.config.aws.accounts[0]?.name;
    if (fallback) names.add(fallback);
    for (const b of [...(await store.listIncomplete()), ...(await store.listEnded())]) if (b.provider === 'aws' && b.recipe.account) names.add(b.recipe.account);
    const usedRegions = await store.regionsOf('aws');
    for (const account of deps.config.aws.accounts.filter((a) => names.has(a.name))) {
      const regions = new Set([...account.regions.map((r) => r.name), ...usedRegions]);
      for (const region of regions) {
        try {
          const r = await reapBakeResources(deps.aws, account, region, async (id, attempt) => {
            const b = await store.get(id);
            return !!b && (b.state !== 'RUNNING' || attempt < (b.attempt ?? 1));
          });
          if (r.instances.length || r.securityGroups.length || r.keyPairs.length) log.warn({ account: account.name, region, ...r }, 'reaped temporary resources of dead bakes');
        } catch (err) {
          log.warn({ err, account: account.name, region }, 'bake reaper pass failed');
        }
      }
    }
  }
  let reaper: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  let versionCheck: { at: number; version: Promise<string> } | undefined;

  return {
    name: 'bake',
    reap,
    router,
    service,
    store,
    config,
    health: async () => {
      const details = { running: await service.runningCount(), maxConcurrentBakes: config.maxConcurrentBakes };
      try {
        // `packer version` at most once a minute (health probes are frequent).
        if (!versionCheck || Date.now() - versionCheck.at > 60_000) versionCheck = { at: Date.now(), version: packerVersion(config.packer.binary) };
        return { status: 'UP', details: { ...details, packer: await versionCheck.version } };
      } catch (err) {
        return { status: 'DOWN', details: { ...details, error: (err as Error).message } };
      }
    },
    async start() {
      await service.start();
      // Templates are read from disk on every bake (a new or edited template is used without restart); the watcher
      // drops cached validation results when the directory changes.
      if (config.templatesDir && existsSync(config.templatesDir)) {
        try {
          watcher = watch(path.resolve(config.templatesDir), { persistent: false }, (_event, file) => service.templatesChanged(file ?? undefined));
        } catch (err) {
          log.warn({ err }, 'cannot watch bake.templatesDir; templates are still re-read on every bake');
        }
      }
      if (config.aws.enabled && config.aws.reaper.enabled && deps.config.aws.accounts.length) {
        void reap();
        reaper = setInterval(() => void reap(), config.aws.reaper.intervalMinutes * 60_000);
        reaper.unref();
      }
    },
    async stop() {
      clearInterval(reaper);
      watcher?.close();
      await service.stop();
    },
  };
}
