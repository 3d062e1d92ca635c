import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Bake, BakeRequest, BakeStatus } from '@outrigger/contract';
import { InputError, NotFoundError } from '@outrigger/runtime';
import type { BakeConfig } from './config/BakeConfigSchema.js';
import type { RecipeDeps } from './recipe/resolveRecipe.js';
import { createBakeAdmission, type SubmitOptions } from './service/createBakeAdmission.js';
import { createBakeFinisher } from './service/createBakeFinisher.js';
import { createBakeLog } from './service/createBakeLog.js';
import { createBakeQueue } from './service/createBakeQueue.js';
import { createOutputFollower } from './service/createOutputFollower.js';
import { createPackerIdentity } from './service/createPackerIdentity.js';
import { createPackerLifecycle } from './service/createPackerLifecycle.js';
import { createValidationCache } from './service/createValidationCache.js';
import { toBake, toBakeStatus } from './service/bakeViews.js';
import { createPathHider } from './service/hideServerPaths.js';
import type { BakeRecord, LogLine } from './store/BakeRecord.js';
import type { BakeStore } from './store/BakeStore.js';

export type { SubmitOptions } from './service/createBakeAdmission.js';

export interface BakeServiceDeps {
  config: BakeConfig;
  store: BakeStore;
  logger: Logger;
  dataDir: string;
  /** Operator's templates directory first, then the shipped one. */
  templateDirs: string[];
  findImageByName: RecipeDeps['findImageByName'];
  now?: () => number;
  /** Called with a bake id whenever a bake ends (tests, reaper). */
  onEnded?: (b: BakeRecord) => void;
}

export interface BakeService {
  instanceId: string;
  submit(region: string, request: BakeRequest, options: SubmitOptions): Promise<BakeStatus>;
  status(id: string): BakeStatus;
  bake(id: string, region: string): Bake;
  record(id: string): BakeRecord | undefined;
  logs(id: string, offset?: number, limit?: number): { lines: LogLine[]; complete: boolean };
  formatLine(l: LogLine): string;
  bakeForImage(region: string, imageId: string): string | undefined;
  cancel(id: string): string;
  forget(region: string, request: BakeRequest): Promise<string>;
  purgeExecutions(ids: string[]): void;
  incomplete(): BakeStatus[];
  /** Re-attaches to Packer runs left by an earlier process, then starts queued bakes. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Packer processes running now (bench/tests). */
  runningCount(): number;
  /** The template directory changed: forget cached `packer validate` results. */
  templatesChanged(file?: string): void;
}

/**
 * The bakery, composed from parts with one job each:
 * - admission (`service/createBakeAdmission`): secrets, provider, recipe, dedupe by bake key, `packer validate`;
 * - queue (`service/createBakeQueue`): a durable queue with at most `maxConcurrentBakes` Packer processes;
 * - Packer lifecycle (`service/createPackerLifecycle`): start detached, signal, time out;
 * - identity (`service/createPackerIdentity`): the environment Packer runs with;
 * - output follower (`service/createOutputFollower`): reads the run's files, so a restart re-attaches;
 * - log (`service/createBakeLog`) and validation cache (`service/createValidationCache`);
 * - the store (`store/BakeStore`), reached only through its interface.
 */
export function createBakeService(deps: BakeServiceDeps): BakeService {
  const { config, store, logger } = deps;
  const now = deps.now ?? Date.now;
  const instanceId = `${randomUUID()}@${hostname()}`;
  const bakesDir = path.join(deps.dataDir, 'bakes');

  const hidePaths = createPathHider([
    { dir: deps.dataDir, label: '<dataDir>' },
    ...deps.templateDirs.map((dir, i) => ({ dir, label: i === deps.templateDirs.length - 1 ? '<shipped templates>' : '<templates>' })),
  ]);
  const log = createBakeLog({ store, now });
  const validation = createValidationCache({ binary: config.packer.binary, hidePaths });
  const identity = createPackerIdentity({ config });
  const lifecycle = createPackerLifecycle({ config, store, log, identity, now });
  const follower = createOutputFollower({ store, log, logger, now });
  const queue = createBakeQueue({
    config,
    store,
    log,
    logger,
    lifecycle,
    follower,
    finish: createBakeFinisher({ store, log, now, hidePaths }),
    ...(deps.onEnded ? { onEnded: deps.onEnded } : {}),
  });
  const recipeDeps: RecipeDeps = { config, templateDirs: deps.templateDirs, findBake: (id) => store.get(id), findImageByName: deps.findImageByName, now };
  const admission = createBakeAdmission({ config, store, queue, validation, identity, recipeDeps, bakesDir, now });

  const toStatus = (b: BakeRecord) => toBakeStatus(b, b.phase === 'queued' ? store.queuePosition(b.id) : undefined);

  function mustGet(id: string): BakeRecord {
    const b = store.get(id);
    // Rosco answers an unknown status id with a 400 (IllegalArgumentException), which fails Orca's MonitorBakeTask at
    // once; a 404 would keep the stage polling until its timeout.
    if (!b) throw new InputError(`Unable to retrieve status for '${id}'.`, { errors: [{ field: '$.path.statusId', message: 'no bake with this status id' }] });
    return b;
  }

  return {
    instanceId,
    submit: async (region, request, options) => toStatus(await admission.submit(region, request, options)),
    status: (id) => toStatus(mustGet(id)),
    record: (id) => store.get(id),
    bake(id, region) {
      const b = store.get(id);
      if (!b || b.state !== 'COMPLETED' || b.result !== 'SUCCESS') throw new NotFoundError(`Unable to retrieve bake details for '${id}'.`);
      return toBake(b, region);
    },
    logs(id, offset = 0, limit) {
      const b = store.get(id);
      if (!b || !store.hasLog(id)) throw new NotFoundError('Logs not found.');
      return { lines: store.readLog(id, offset, limit), complete: b.state !== 'RUNNING' };
    },
    formatLine: log.format,
    bakeForImage: (region, imageId) => store.bakeForImage(region, imageId),
    cancel(id) {
      const b = mustGet(id);
      if (b.state !== 'RUNNING') throw new InputError(`Unable to cancel bake '${id}': it is not running (state ${b.state}).`);
      if (b.phase === 'queued') {
        store.update({ ...b, cancelRequested: true });
        queue.end(b, { ok: false, message: 'Canceled by request before Packer started.' });
      } else {
        const next = { ...b, cancelRequested: true, message: 'Canceled by request.', updatedMs: now() };
        store.update(next);
        log.write(b, 'cancel requested: signalling Packer');
        lifecycle.cancel(next);
      }
      return `Canceled bake '${id}'.`;
    },
    forget: (region, request) => admission.forget(region, request),
    purgeExecutions(ids) {
      for (const e of ids) {
        for (const b of store.listByExecution(e)) {
          if (b.state === 'RUNNING') store.update({ ...b, forgotten: true, updatedMs: now() });
          else {
            store.delete(b.id);
            rmSync(b.runDir, { recursive: true, force: true });
          }
        }
      }
    },
    incomplete: () => store.listIncomplete().map(toStatus),
    async start() {
      rmSync(path.join(bakesDir, '.validate'), { recursive: true, force: true });
      queue.start();
    },
    async stop() {
      queue.stop();
    },
    runningCount: () => queue.runningCount(),
    templatesChanged(file) {
      validation.clear();
      logger.info({ file }, 'template directory changed; templates are re-read and re-validated on the next bake');
    },
  };
}
