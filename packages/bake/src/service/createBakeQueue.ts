import type { Logger } from 'pino';
import type { BakeConfig } from '../config/BakeConfigSchema.js';
import type { BakeRecord } from '../store/BakeRecord.js';
import type { BakeStore } from '../store/BakeStore.js';
import type { BakeLog } from './createBakeLog.js';
import type { BakeOutcome, OutputFollower } from './createOutputFollower.js';
import type { PackerLifecycle } from './createPackerLifecycle.js';

/**
 * The durable queue: queued bakes start in order while fewer than `maxConcurrentBakes` Packer runs are live, and a
 * timer follows running bakes until they end.
 */
export interface BakeQueue {
  /** Adds a new (queued) bake, logs `note` as its first line and starts what may start. */
  enqueue(b: BakeRecord, note: string): void;
  /** Starts queued bakes while slots are free. Synchronous. */
  pump(): void;
  /** Ends a bake (and frees its slot). */
  end(b: BakeRecord, outcome: BakeOutcome): void;
  /** Re-attaches to runs of an earlier process, then starts queued bakes. */
  start(): void;
  stop(): void;
  runningCount(): number;
}

export function createBakeQueue(deps: {
  config: BakeConfig;
  store: BakeStore;
  log: BakeLog;
  logger: Logger;
  lifecycle: PackerLifecycle;
  follower: OutputFollower;
  finish: (b: BakeRecord, outcome: BakeOutcome) => BakeRecord;
  onEnded?: (b: BakeRecord) => void;
}): BakeQueue {
  const { config, store, log, logger, lifecycle, follower } = deps;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  function end(b: BakeRecord, outcome: BakeOutcome): void {
    lifecycle.forget(b.id);
    follower.forget(b.id);
    const next = deps.finish(b, outcome);
    deps.onEnded?.(next);
    pump();
  }

  function pump(): void {
    if (stopped) return;
    let running = store.listByPhase('running').length;
    for (const b of store.listByPhase('queued')) {
      if (running >= config.maxConcurrentBakes) break;
      try {
        lifecycle.launch(b);
      } catch (err) {
        end(b, { ok: false, message: `Packer could not be started: ${(err as Error).message}` });
      }
      running++;
    }
    ensureTimer();
  }

  function ensureTimer(): void {
    if (timer || stopped) return;
    timer = setInterval(tick, config.packer.pollMillis);
  }

  /** Folds new output into the log; ends bakes whose Packer ended; supervises the live ones. */
  function tick(): void {
    const running = store.listByPhase('running');
    for (const b of running) {
      try {
        const r = follower.follow(b);
        if (r.ended) end(r.bake, r.outcome);
        else if (!r.settling) lifecycle.supervise(r.bake);
      } catch (err) {
        logger.warn({ err, bakeId: b.id }, 'following a bake failed');
      }
    }
    if (!running.length && !store.listByPhase('queued').length && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  }

  return {
    enqueue(b, note) {
      store.insert(b);
      log.write(b, note);
      pump();
    },
    pump,
    end,
    start() {
      stopped = false;
      for (const b of store.listByPhase('running')) {
        logger.info({ bakeId: b.id, pid: b.pid }, 're-attaching to a Packer run started before this process');
        log.write(b, `outrigger restarted; re-attaching to Packer (pid ${b.pid ?? 'unknown'})`);
      }
      tick();
      pump();
    },
    stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
    },
    runningCount: () => store.listByPhase('running').length,
  };
}
