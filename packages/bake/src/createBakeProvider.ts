import { existsSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router } from 'express';
import type { BakeOptions, BakeRequest, BaseImage } from '@outrigger/contract';
import {
  InputError,
  NotFoundError,
  NotImplementedError,
  openSqlite,
  parseConfigSection,
  type AccountConfig,
  type Provider,
  type ProviderDeps,
} from '@outrigger/runtime';
import { applyImageRetention } from './aws/applyImageRetention.js';
import { findImageByName } from './aws/findImageByName.js';
import { reapBakeResources } from './aws/reapBakeResources.js';
import { BakeConfigSchema, type BakeConfig, type BaseImageEntry } from './config/BakeConfigSchema.js';
import { createBakeService, type BakeService } from './createBakeService.js';
import { SqliteBakeStore } from './store/SqliteBakeStore.js';

/** The templates shipped with this package (source layout, or next to the bundled server). */
export function shippedTemplatesDir(): string {
  const candidates = [new URL('../templates/', import.meta.url), new URL('../../bake/templates/', import.meta.url)].map((u) => fileURLToPath(u));
  return candidates.find((d) => existsSync(path.join(d, 'local.json'))) ?? candidates[0]!;
}

function toBaseImage(e: BaseImageEntry): BaseImage {
  const b = e.baseImage;
  return {
    id: b.id,
    ...(b.shortDescription ? { shortDescription: b.shortDescription } : {}),
    ...(b.detailedDescription ? { detailedDescription: b.detailedDescription } : {}),
    ...(b.packageType ? { packageType: b.packageType.toUpperCase() } : {}),
    ...(b.templateFile ? { templateFile: b.templateFile } : {}),
    ...(b.osType ? { osType: b.osType } : {}),
    ...(b.customRepository ? { customRepository: b.customRepository } : {}),
  };
}

export interface BakeProvider extends Provider {
  service: BakeService;
  store: SqliteBakeStore;
  config: BakeConfig;
  /** One pass of the reaper (also run at start and every `bake.aws.reaper.intervalMinutes`). */
  reap(): Promise<void>;
}

/**
 * `@outrigger/bake`: a Rosco-compatible bakery. Orca uses it through `bakery.baseUrls` or `services.rosco.baseUrl`.
 */
export function createBakeProvider(deps: ProviderDeps): BakeProvider {
  const config = parseConfigSection(BakeConfigSchema, deps.config.bake, { source: deps.configSource, keyPath: ['bake'] });
  const store = new SqliteBakeStore(deps.database ?? openSqlite(':memory:'));
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

  const service = createBakeService({
    config,
    store,
    logger: deps.logger.child({ provider: 'bake' }),
    dataDir: deps.dataDir,
    templateDirs,
    findImageByName: (pattern, region, accountName) => findImageByName(deps.aws, accountFor(accountName), region, pattern, config.aws.imageOwners),
  });

  const options = (): BakeOptions[] => [
    ...(config.aws.enabled ? [{ cloudProvider: 'aws', baseImages: config.aws.bakeryDefaults.baseImages.map(toBaseImage) }] : []),
    ...(config.local.enabled ? [{ cloudProvider: 'local', baseImages: config.local.bakeryDefaults.baseImages.map(toBaseImage) }] : []),
  ];
  const optionsFor = (provider: string): BakeOptions => {
    const o = options().find((x) => x.cloudProvider === provider);
    if (!o) throw new NotFoundError(`Bake options not found. Cloud provider ${provider} not found`);
    return o;
  };

  const router = Router();
  deps.bind(router, 'listBakeOptions', () => options());
  deps.bind(router, 'getBakeOptions', ({ params }) => optionsFor(params.cloudProvider));
  deps.bind(router, 'getBaseImage', ({ params }) => {
    const o = optionsFor(params.cloudProvider);
    const image = o.baseImages.find((b) => b.id === params.imageId);
    if (!image) throw new NotFoundError(`Base image ${params.imageId} not found. Valid base images: ${o.baseImages.map((b) => b.id).join(', ')}`);
    return image;
  });

  async function checkAccount(input: { principal(): Promise<import('@outrigger/runtime').Principal> }, body: BakeRequest): Promise<void> {
    // Rosco does no account auth; when outrigger has accounts and the request names one, it must be writable.
    if (!body.account_name || !deps.config.aws.accounts.length) return;
    if ((body.cloud_provider_type ?? config.defaultCloudProviderType) !== 'aws') return;
    deps.authorizer.requireAccount(await input.principal(), body.account_name, 'WRITE', '$.body.account_name');
  }

  deps.bind(router, 'createBake', async (input) => {
    const { params, query, body, req } = input;
    await checkAccount(input, body);
    const header = req.header('x-spinnaker-execution-id') ?? body.spinnaker_execution_id;
    if (header && header.length > 512) {
      throw new InputError('Validation Failed', { errors: [{ field: '$.headers.x-spinnaker-execution-id', message: 'at most 512 characters' }] });
    }
    const executionId = header?.split(':')[0] || undefined;
    const user = req.header('x-spinnaker-user') ?? body.user;
    return service.submit(params.region, body, { rebake: query.rebake === '1', ...(executionId ? { executionId } : {}), ...(user ? { user } : {}) });
  });
  deps.bind(router, 'deleteBake', async ({ params, body, res }) => {
    res.type('text/plain').send(await service.forget(params.region, body));
  });
  deps.bind(router, 'getBakeStatus', ({ params }) => service.status(params.statusId));
  deps.bind(router, 'getBake', ({ params }) => service.bake(params.bakeId, params.region));
  deps.bind(router, 'getBakeLogs', async ({ params, query, req, res }) => {
    if (query.follow === 'true') {
      service.logs(params.statusId, 0, 1); // 404 before streaming
      res.status(200).type('text/plain; charset=utf-8');
      res.setHeader('Cache-Control', 'no-cache');
      let offset = query.offset ?? 0;
      let closed = false;
      req.on('close', () => (closed = true));
      for (;;) {
        const { lines, complete } = service.logs(params.statusId, offset);
        for (const l of lines) res.write(`${service.formatLine(l)}\n`);
        offset += lines.length;
        if ((complete && !lines.length) || closed) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      res.end();
      return undefined;
    }
    const paged = query.offset !== undefined || query.limit !== undefined;
    const { lines, complete } = service.logs(params.statusId, query.offset ?? 0, query.limit);
    const logsContent = lines.map(service.formatLine).join('\n');
    if (!paged) return { logsContent };
    const offset = query.offset ?? 0;
    return { logsContent, offset, nextOffset: offset + lines.length, complete };
  });
  deps.bind(router, 'getBakeLogsByImage', ({ params }) => {
    const id = service.bakeForImage(params.region, params.imageId);
    if (!id) throw new NotFoundError('Logs not found.');
    return { logsContent: service.logs(id).lines.map(service.formatLine).join('\n') };
  });
  deps.bind(router, 'cancelBake', ({ params, res }) => {
    res.type('text/plain').send(service.cancel(params.statusId));
  });
  deps.bind(router, 'deleteBakesByExecution', ({ body, res }) => {
    service.purgeExecutions(body.pipelineExecutionIds);
    res.status(200).end();
  });
  deps.bind(router, 'applyImageRetention', async (input) => {
    const { params, body } = input;
    const dryRun = body.dry_run === true;
    const name = body.account_name ?? config.aws.bakeAccount;
    const account = deps.config.aws.accounts.length
      ? deps.authorizer.requireAccount(await input.principal(), name ?? deps.config.aws.accounts[0]!.name, dryRun ? 'READ' : 'WRITE', '$.body.account_name')
      : accountFor(name);
    return applyImageRetention(deps.aws, account, { region: params.region, application: body.application, keep: body.keep, dryRun });
  });
  deps.bind(router, 'bakeManifest', ({ params }) => {
    throw new NotImplementedError(
      `Manifest bakes (${params.type}: Helm, Kustomize, Helmfile, CloudFoundry) are not served by outrigger; Rosco keeps serving /api/v2/manifest/bake/{type}. ` +
        'Register outrigger for image bakes only (bakery.baseUrls) and leave services.rosco.baseUrl on Rosco.',
    );
  });
  const instanceStatus = () => {
    const bakes = service.incomplete();
    return { status: bakes.length ? ('RUNNING' as const) : ('IDLE' as const), bakes };
  };
  deps.bind(router, 'getBakeryInstanceStatus', () => instanceStatus());
  deps.bind(router, 'getBakeryAllStatus', () => ({ instance: service.instanceId, instances: { [service.instanceId]: instanceStatus() } }));

  const log = deps.logger.child({ provider: 'bake' });
  /** One reaper pass over the regions aws bakes used and the bake account's regions. */
  async function reap(): Promise<void> {
    const name = config.aws.bakeAccount ?? deps.config.aws.accounts[0]?.name;
    const account = deps.config.aws.accounts.find((a) => a.name === name);
    if (!account) return;
    const regions = new Set([...account.regions.map((r) => r.name), ...store.regionsOf('aws')]);
    for (const region of regions) {
      try {
        const r = await reapBakeResources(deps.aws, account, region, (id) => { const b = store.get(id); return !!b && b.state !== 'RUNNING'; });
        if (r.instances.length || r.keyPairs.length) log.warn({ region, ...r }, 'reaped temporary resources of dead bakes');
      } catch (err) {
        log.warn({ err, region }, 'bake reaper pass failed');
      }
    }
  }
  let reaper: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;

  return {
    name: 'bake',
    reap,
    router,
    service,
    store,
    config,
    health: async () => ({ status: 'UP', details: { running: service.runningCount(), maxConcurrentBakes: config.maxConcurrentBakes } }),
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
