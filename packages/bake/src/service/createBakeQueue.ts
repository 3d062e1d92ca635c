import path from 'node:path';
import type { Logger } from 'pino';
import type { BakeConfig } from '../config/BakeConfigSchema.js';
import { isPackerAlive, readExitCode, signalPacker } from '../packer/runPacker.js';
import type { BakeRecord } from '../store/BakeRecord.js';
import type { AdoptedBake, BakeStore, InsertResult } from '../store/BakeStore.js';
import type { BakeLog } from './createBakeLog.js';
import type { BakeOutcome, OutputFollower } from './createOutputFollower.js';
import { KILL_AFTER_MS, type PackerLifecycle } from './createPackerLifecycle.js';

/**
 * The durable queue: queued bakes start in order while fewer than `maxConcurrentBakes` Packer runs are live, and a
 * timer follows running bakes until they end. Every step that reads and changes the queue runs one at a time, so a
 * bake is never launched twice.
 */
export interface BakeQueue {
  /**
   * Adds a new (queued) bake, logs `note` as its first line and starts what may start. With `dedupe`, a live bake
   * with the same key (found by the store, across replicas) is returned instead and nothing is added.
   */
  enqueue(b: BakeRecord, note: string, options: { dedupe: boolean }): Promise<InsertResult>;
  /** Starts queued bakes while slots are free. */
  pump(): Promise<void>;
  /** Ends a bake (and frees its slot). */
  end(b: BakeRecord, outcome: BakeOutcome): Promise<void>;
  /** Re-attaches to runs of an earlier process, then starts queued bakes. */
  start(): Promise<void>;
  /**
   * Takes over the bakes of replicas silent since `staleBeforeMs` (PostgreSQL): a Packer run still alive on this host
   * is re-attached; otherwise the bake runs Packer again under the same id (`attempt + 1`).
   */
  adoptOrphans(staleBeforeMs: number): Promise<AdoptedBake[]>;
  stop(): void;
  runningCount(): Promise<number>;
}

export function createBakeQueue(deps: {
  config: BakeConfig;
  store: BakeStore;
  log: BakeLog;
  logger: Logger;
  lifecycle: PackerLifecycle;
  follower: OutputFollower;
  finish: (b: BakeRecord, outcome: BakeOutcome) => Promise<BakeRecord>;
  onEnded?: (b: BakeRecord) => void;
  /** Where this process keeps bake run directories (`<dataDir>/bakes`). */
  bakesDir: string;
  now: () => number;
}): BakeQueue {
  const { config, store, log, logger, lifecycle, follower, now } = deps;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let ticking = false;
  /** The running bakes this process follows, as it last saw them (the pid and run dir of its own Packer run). */
  const supervised = new Map<string, BakeRecord>();

  let chain: Promise<unknown> = Promise.resolve();
  /** Runs `fn` after every step queued before it (never call from inside another exclusive step). */
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const p = chain.then(fn);
    chain = p.catch(() => {});
    return p;
  }

  async function endNow(b: BakeRecord, outcome: BakeOutcome): Promise<void> {
    supervised.delete(b.id);
    lifecycle.forget(b.id);
    follower.forget(b.id);
    const next = await deps.finish(b, outcome);
    deps.onEnded?.(next);
  }

  async function pumpNow(): Promise<void> {
    if (stopped) return;
    let running = (await store.listByPhase('running')).length;
    for (const b of await store.listByPhase('queued')) {
      // Cancelled while queued, maybe through another replica: it never starts.
      if (b.cancelRequested) {
        await endNow(b, { ok: false, message: b.message ?? 'Canceled by request before Packer started.' });
        continue;
      }
      if (running >= config.maxConcurrentBakes) break;
      try {
        await lifecycle.launch(b);
      } catch (err) {
        await endNow(b, { ok: false, message: `Packer could not be started: ${(err as Error).message}` });
      }
      running++;
    }
    ensureTimer();
  }

  function ensureTimer(): void {
    if (timer || stopped) return;
    timer = setInterval(() => {
      if (ticking) return;
      ticking = true;
      void exclusive(tickNow)
        .catch((err) => logger.warn({ err }, 'following bakes failed'))
        .finally(() => (ticking = false));
    }, config.packer.pollMillis);
  }

  /** Folds new output into the log; ends bakes whose Packer ended; supervises the live ones; starts what may start. */
  async function tickNow(): Promise<void> {
    const running = await store.listByPhase('running');
    let freed = false;
    for (const b of running) {
      supervised.set(b.id, b);
      try {
        const r = await follower.follow(b);
        if (r.ended) {
          await endNow(r.bake, r.outcome);
          freed = true;
        } else if (!r.settling || r.bake.cancelRequested) await lifecycle.supervise(r.bake); // a cancelled run's leftovers are signalled too
      } catch (err) {
        logger.warn({ err, bakeId: b.id }, 'following a bake failed');
      }
    }
    const queued = await store.listByPhase('queued');
    if (!running.length && !queued.length && timer) {
      clearInterval(timer);
      timer = undefined;
    }
    if (freed || queued.length) await pumpNow();
  }

  /**
   * Fencing, on each lease pass: a bake this process was running that another replica now owns (it adopted it while
   * this one was stalled) is dropped: no more following or writes from here, and this process's own Packer run is
   * stopped (SIGTERM to its process group, SIGKILL after the cancel grace), unless the adopter re-attached to that very
   * run on this host. The store refuses any write still in flight from the old record (owner/attempt check).
   */
  async function dropLost(): Promise<void> {
    for (const [id, mine] of supervised) {
      const cur = await store.get(id);
      if (!cur || store.owns(cur)) continue;
      supervised.delete(id);
      lifecycle.forget(id);
      follower.forget(id);
      const reattached = cur.pid === mine.pid && cur.runDir === mine.runDir;
      logger.warn(
        { bakeId: id, owner: cur.ownerId, pid: mine.pid, reattached },
        'bake is now owned by another replica (adopted while this one was stalled); this replica stops supervising it',
      );
      if (mine.pid !== undefined && !reattached && signalPacker(mine.pid, 'SIGTERM')) {
        const pid = mine.pid;
        setTimeout(() => signalPacker(pid, 'SIGKILL'), KILL_AFTER_MS).unref();
      }
    }
  }

  /** Makes an adopted bake this process's: re-attach to a run still alive here, or run Packer again. */
  async function takeOver(b: AdoptedBake): Promise<void> {
    const attached = b.phase === 'running' && b.pid !== undefined && (isPackerAlive(b.pid, b.runDir) || readExitCode(b.runDir) !== undefined);
    if (b.phase === 'queued') {
      await log.write(b, `replica ${b.adoptedFrom} stopped answering; bake ${b.id} moved to this replica's queue`);
      return;
    }
    if (attached) {
      await log.write(b, `replica ${b.adoptedFrom} stopped answering; re-attaching to its Packer run (pid ${b.pid}) on this host`);
      return;
    }
    const runDir = path.join(deps.bakesDir, b.id);
    const relocate = (v: string) => (v === b.runDir || v.startsWith(`${b.runDir}${path.sep}`) ? runDir + v.slice(b.runDir.length) : v);
    const variables = Object.fromEntries(Object.entries(b.recipe.variables).map(([k, v]) => [k, relocate(v)]));
    const attempt = (b.attempt ?? 1) + 1;
    variables.bake_attempt = String(attempt);
    const { pid: _pid, startedMs: _started, ...rest } = b;
    await store.update({ ...rest, phase: 'queued', runDir, outOffset: 0, attempt, recipe: { ...b.recipe, variables }, updatedMs: now() });
    await log.write(
      b,
      `replica ${b.adoptedFrom} stopped answering and its Packer run is gone; running Packer again under the same bake id (attempt ${attempt})`,
    );
  }

  return {
    enqueue: (b, note, options) =>
      exclusive(async () => {
        const r = await store.insert(b, options);
        if (r.created) {
          await log.write(r.bake, note);
          await pumpNow();
        }
        return r;
      }),
    pump: () => exclusive(pumpNow),
    end: (b, outcome) =>
      exclusive(async () => {
        await endNow(b, outcome);
        await pumpNow();
      }),
    start: () =>
      exclusive(async () => {
        stopped = false;
        for (const b of await store.listByPhase('running')) {
          logger.info({ bakeId: b.id, pid: b.pid }, 're-attaching to a Packer run started before this process');
          await log.write(b, `outrigger restarted; re-attaching to Packer (pid ${b.pid ?? 'unknown'})`);
        }
        await tickNow();
        await pumpNow();
      }),
    adoptOrphans: (staleBeforeMs) =>
      exclusive(async () => {
        if (stopped) return [];
        await dropLost();
        const adopted = await store.adoptOrphans(staleBeforeMs, now());
        for (const b of adopted) {
          logger.warn({ bakeId: b.id, from: b.adoptedFrom }, 'adopting a bake of a replica that stopped answering');
          await takeOver(b);
        }
        if (adopted.length) await pumpNow();
        return adopted;
      }),
    stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
    },
    runningCount: async () => (await store.listByPhase('running')).length,
  };
}
