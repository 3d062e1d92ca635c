import path from 'node:path';
import type { BakeConfig } from '../config/BakeConfigSchema.js';
import { buildPackerArgs } from '../packer/buildPackerArgs.js';
import { signalPacker, startPacker } from '../packer/runPacker.js';
import type { BakeRecord } from '../store/BakeRecord.js';
import type { BakeStore } from '../store/BakeStore.js';
import type { BakeLog } from './createBakeLog.js';
import type { PackerIdentity } from './createPackerIdentity.js';
import { writeVarFile } from './writeVarFile.js';

/** How long Packer gets after SIGTERM before its process group is killed. */
export const KILL_AFTER_MS = 60_000;

/** Starting, signalling and timing out one bake's Packer process group. */
export interface PackerLifecycle {
  /** Writes the var-file and starts Packer detached; the record moves to `running`. Throws when Packer cannot start. */
  launch(b: BakeRecord): Promise<void>;
  /** A cancel of a running bake: SIGTERM to its process group. */
  cancel(b: BakeRecord): void;
  /** For a live run: SIGKILL a cancelled run that ignored SIGTERM; cancel a run past `bake.packer.timeoutMinutes`. */
  supervise(b: BakeRecord): Promise<void>;
  /** The bake ended: drop what was kept about its process. */
  forget(id: string): void;
}

export function createPackerLifecycle(deps: { config: BakeConfig; store: BakeStore; log: BakeLog; identity: PackerIdentity; now: () => number }): PackerLifecycle {
  const { config, store, log, identity, now } = deps;
  /** When each cancelled bake's process group was last signalled. */
  const signalledAt = new Map<string, number>();

  function signal(b: BakeRecord, sig: NodeJS.Signals = 'SIGTERM'): void {
    if (!b.pid) return;
    signalledAt.set(b.id, now());
    signalPacker(b.pid, sig);
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
        // SIGTERM once (again after a restart); SIGKILL the group if Packer has not stopped a minute later.
        const at = signalledAt.get(b.id);
        if (at === undefined) signal(b);
        else if (now() - at > KILL_AFTER_MS) {
          await log.write(b, `Packer did not stop within ${KILL_AFTER_MS / 1000} s of SIGTERM; sending SIGKILL to its process group`);
          signal(b, 'SIGKILL');
        }
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
      signalledAt.delete(id);
      identity.forget(id);
    },
  };
}
