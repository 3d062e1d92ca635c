import path from 'node:path';
import type { BakeConfig } from '../config/BakeConfigSchema.js';
import { buildPackerArgs } from '../packer/buildPackerArgs.js';
import { signalPacker, startPacker } from '../packer/runPacker.js';
import type { BakeRecord } from '../store/BakeRecord.js';
import type { BakeStore } from '../store/BakeStore.js';
import type { BakeLog } from './createBakeLog.js';
import type { PackerIdentity } from './createPackerIdentity.js';
import { writeVarFile } from './writeVarFile.js';

/** How long Packer gets after the first SIGTERM before its process group is killed. */
export const KILL_AFTER_MS = 60_000;

/**
 * How often a cancelled run that is still alive gets SIGTERM again. A SIGTERM can be lost while Packer is starting:
 * it lands in a process between fork and exec (the wrapper's shell, or Packer's own panic wrapper before its child
 * exists), is eaten by the inherited handler, and the build then runs to its end. Packer's build handler acts on the
 * first signal and drops repeats (command/build.go: one read from a 1-slot channel), so sending it again is harmless.
 */
export const RESIGNAL_MS = 5_000;

/** Starting, signalling and timing out one bake's Packer process group. */
export interface PackerLifecycle {
  /** Writes the var-file and starts Packer detached; the record moves to `running`. Throws when Packer cannot start. */
  launch(b: BakeRecord): Promise<void>;
  /** A cancel of a running bake: SIGTERM to its process group. */
  cancel(b: BakeRecord): void;
  /**
   * For a live run (or one whose processes outlive Packer's exit): SIGTERM a cancelled run again every `RESIGNAL_MS`,
   * SIGKILL it `KILL_AFTER_MS` after the first SIGTERM; cancel a run past `bake.packer.timeoutMinutes`.
   */
  supervise(b: BakeRecord): Promise<void>;
  /** The bake ended: drop what was kept about its process. */
  forget(id: string): void;
}

export function createPackerLifecycle(deps: {
  config: BakeConfig;
  store: BakeStore;
  log: BakeLog;
  identity: PackerIdentity;
  now: () => number;
  /** Signals a run's process group (default: `signalPacker`). */
  signalGroup?: (pgid: number, sig: NodeJS.Signals) => boolean;
}): PackerLifecycle {
  const { config, store, log, identity, now } = deps;
  const signalGroup = deps.signalGroup ?? signalPacker;
  /** When each cancelled bake's process group was first and last signalled. */
  const signalled = new Map<string, { first: number; last: number; killed: boolean }>();

  function signal(b: BakeRecord, sig: NodeJS.Signals = 'SIGTERM'): void {
    if (!b.pid) return;
    const t = now();
    const prev = signalled.get(b.id);
    signalled.set(b.id, { first: prev?.first ?? t, last: t, killed: (prev?.killed ?? false) || sig === 'SIGKILL' });
    signalGroup(b.pid, sig);
  }

  return {
    async launch(b) {
      const varFile = writeVarFile(b.runDir, b.recipe.variables);
      const args = buildPackerArgs({ template: b.recipe.template, privateVarFile: varFile, varFiles: b.recipe.varFiles, additionalParameters: config.packer.additionalParameters });
      const pid = startPacker({ binary: config.packer.binary, args, runDir: b.runDir, env: identity.envFor(b) });
      const t = now();
      await store.update({ ...b, phase: 'running', pid, startedMs: t, updatedMs: t });
      identity.forget(b.id);
      await log.write(b, `packer started (pid ${pid}): packer ${args.map((a) => (a.startsWith('-var-file=') ? `-var-file=${path.basename(a.slice(10))}` : a)).join(' ')}`);
    },
    cancel(b) {
      signal(b);
    },
    async supervise(b) {
      if (!b.pid) return;
      if (b.cancelRequested) {
        // SIGTERM (again after a restart), repeated while the run lives; SIGKILL the group if it has not stopped a
        // minute after the first.
        const s = signalled.get(b.id);
        if (s === undefined) signal(b);
        else if (now() - s.first > KILL_AFTER_MS) {
          if (!s.killed) await log.write(b, `Packer did not stop within ${KILL_AFTER_MS / 1000} s of SIGTERM; sending SIGKILL to its process group`);
          if (!s.killed || now() - s.last >= RESIGNAL_MS) signal(b, 'SIGKILL');
        } else if (now() - s.last >= RESIGNAL_MS) signal(b);
        return;
      }
      const limit = (b.startedMs ?? b.createdMs) + config.packer.timeoutMinutes * 60_000;
      if (now() > limit) {
        const message = `Packer ran longer than bake.packer.timeoutMinutes (${config.packer.timeoutMinutes}) and was cancelled.`;
        await store.update({ ...b, cancelRequested: true, message, updatedMs: now() });
        await log.write(b, `bake exceeded bake.packer.timeoutMinutes (${config.packer.timeoutMinutes}); cancelling Packer`);
        signal(b);
      }
    },
    forget(id) {
      signalled.delete(id);
      identity.forget(id);
    },
  };
}
