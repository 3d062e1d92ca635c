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
import { createCredentialsEndpoint, type ServedCredentials } from './service/createCredentialsEndpoint.js';
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
  /** How often this replica renews its lease and looks for dead replicas' bakes; silent for 3 periods is dead. */
  heartbeatMs?: number;
  /** Called with a bake id whenever a bake ends (tests, reaper). */
  onEnded?: (b: BakeRecord) => void;
  /** The account an aws bake runs as (see `RecipeDeps.bakeAccount`). */
  bakeAccount: RecipeDeps['bakeAccount'];
  /** That account's credentials, as outrigger's own SDK clients get them (runtime's AWS client factory). */
  accountCredentials(accountName: string, region: string): (() => Promise<ServedCredentials>) | undefined;
}

export interface BakeService {
  instanceId: string;
  submit(region: string, request: BakeRequest, options: SubmitOptions): Promise<BakeStatus>;
  status(id: string): Promise<BakeStatus>;
  bake(id: string, region: string): Promise<Bake>;
  record(id: string): Promise<BakeRecord | undefined>;
  logs(id: string, offset?: number, limit?: number): Promise<{ lines: LogLine[]; complete: boolean }>;
  formatLine(l: LogLine): string;
  bakeForImage(region: string, imageId: string): Promise<string | undefined>;
  cancel(id: string): Promise<string>;
  forget(region: string, request: BakeRequest): Promise<string>;
  purgeExecutions(ids: string[]): Promise<void>;
  incomplete(): Promise<BakeStatus[]>;
  /** Re-attaches to Packer runs left by an earlier process, then starts queued bakes. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Packer processes this process runs now (bench/tests, health). */
  runningCount(): Promise<number>;
  /** One lease pass: renew this replica's heartbeat and adopt the bakes of replicas that stopped answering. */
  adoptOrphans(): Promise<BakeRecord[]>;
  /** The template directory changed: forget cached `packer validate` results. */
  templatesChanged(file?: string): void;
}

/**
 * The bakery, composed from parts with one job each:
 * - admission (`service/createBakeAdmission`): secrets, provider, recipe, dedupe by bake key, `packer validate`;
 * - queue (`service/createBakeQueue`): a durable queue with at most `maxConcurrentBakes` Packer processes;
 * - Packer lifecycle (`service/createPackerLifecycle`): start detached, signal, time out;
 * - identity (`service/createPackerIdentity`, `service/createCredentialsEndpoint`): the account Packer runs as;
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
  const endpoint = createCredentialsEndpoint({
    logger,
    stateFile: path.join(bakesDir, '.credentials-endpoint.json'),
    async credentialsFor(bakeId) {
      const b = await store.get(bakeId);
      if (!b || b.state !== 'RUNNING' || b.provider !== 'aws' || !b.recipe.account) return undefined;
      return deps.accountCredentials(b.recipe.account, b.region)?.();
    },
  });
  const identity = createPackerIdentity({ config, endpoint });
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
    bakesDir,
    now,
  });
  const heartbeatMs = deps.heartbeatMs ?? 10_000;
  let leases: NodeJS.Timeout | undefined;
  const recipeDeps: RecipeDeps = { config, templateDirs: deps.templateDirs, findBake: (id) => store.get(id), findImageByName: deps.findImageByName, bakeAccount: deps.bakeAccount, now };
  const admission = createBakeAdmission({ config, store, queue, validation, identity, recipeDeps, bakesDir, now });

  const toStatus = async (b: BakeRecord) => toBakeStatus(b, b.phase === 'queued' ? await store.queuePosition(b.id) : undefined);

  async function mustGet(id: string): Promise<BakeRecord> {
    const b = await store.get(id);
    // Rosco answers an unknown status id with a 400 (IllegalArgumentException), which fails Orca's MonitorBakeTask at
    // once; a 404 would keep the stage polling until its timeout.
    if (!b) throw new InputError(`Unable to retrieve status for '${id}'.`, { errors: [{ field: '$.path.statusId', message: 'no bake with this status id' }] });
    return b;
  }

  const service: BakeService = {
    instanceId,
    submit: async (region, request, options) => toStatus(await admission.submit(region, request, options)),
    status: async (id) => toStatus(await mustGet(id)),
    record: (id) => store.get(id),
    async bake(id, region) {
      const b = await store.get(id);
      if (!b || b.state !== 'COMPLETED' || b.result !== 'SUCCESS') throw new NotFoundError(`Unable to retrieve bake details for '${id}'.`);
      return toBake(b, region);
    },
    async logs(id, offset = 0, limit) {
      const b = await store.get(id);
      if (!b || !(await store.hasLog(id))) throw new NotFoundError('Logs not found.');
      // The state is read before the lines, and a bake's last line is stored before its state changes: `complete`
      // never comes with lines still missing (a follower on any replica sees the whole log).
      return { lines: await store.readLog(id, offset, limit), complete: b.state !== 'RUNNING' };
    },
    formatLine: log.format,
    bakeForImage: (region, imageId) => store.bakeForImage(region, imageId),
    async cancel(id) {
      const b = await mustGet(id);
      if (b.state !== 'RUNNING') throw new InputError(`Unable to cancel bake '${id}': it is not running (state ${b.state}).`);
      const mine = store.owns(b);
      if (b.phase === 'queued') {
        await store.update({ ...b, cancelRequested: true, message: 'Canceled by request before Packer started.' });
        // Another replica's queue ends it on its next pass.
        if (mine) await queue.end(b, { ok: false, message: 'Canceled by request before Packer started.' });
      } else {
        const next = { ...b, cancelRequested: true, message: 'Canceled by request.', updatedMs: now() };
        await store.update(next);
        await log.write(b, mine ? 'cancel requested: signalling Packer' : 'cancel requested: the replica running Packer signals it');
        // Only the replica running Packer signals its process group (a pid means nothing on another host).
        if (mine) lifecycle.cancel(next);
      }
      return `Canceled bake '${id}'.`;
    },
    forget: (region, request) => admission.forget(region, request),
    async purgeExecutions(ids) {
      for (const e of ids) {
        for (const b of await store.listByExecution(e)) {
          if (b.state === 'RUNNING') await store.update({ ...b, forgotten: true, updatedMs: now() });
          else {
            await store.delete(b.id);
            rmSync(b.runDir, { recursive: true, force: true });
          }
        }
      }
    },
    incomplete: async () => Promise.all((await store.listIncomplete()).map(toStatus)),
    async start() {
      rmSync(path.join(bakesDir, '.validate'), { recursive: true, force: true });
      await endpoint.start();
      await queue.start();
      // Leases: renew this replica's, adopt those of replicas silent for 3 periods (no-ops on the one-process store).
      await service.adoptOrphans();
      leases = setInterval(() => void service.adoptOrphans().catch((err) => logger.warn({ err }, 'bake lease pass failed')), heartbeatMs);
      leases.unref();
    },
    async stop() {
      clearInterval(leases);
      queue.stop();
      await endpoint.stop();
    },
    async adoptOrphans() {
      const t = now();
      await store.heartbeat(t);
      return queue.adoptOrphans(t - 3 * heartbeatMs);
    },
    runningCount: () => queue.runningCount(),
    templatesChanged(file) {
      validation.clear();
      logger.info({ file }, 'template directory changed; templates are re-read and re-validated on the next bake');
    },
  };
  return service;
}
