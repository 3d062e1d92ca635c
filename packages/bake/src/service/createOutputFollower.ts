import { existsSync, readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { amazonImages, fileArtifacts, parseLine, parseMachineReadable, toLogText } from '../packer/parseMachineReadable.js';
import { isPackerAlive, packerRunFiles, processGroupAlive, readExitCode, readOutput, signalPacker } from '../packer/runPacker.js';
import type { BakeRecord } from '../store/BakeRecord.js';
import type { BakeStore } from '../store/BakeStore.js';
import type { BakeLog } from './createBakeLog.js';

/** How long a finished Packer run's processes may linger before the bake ends regardless. */
export const GROUP_EXIT_GRACE_MS = 10_000;

/** How a bake ended. */
export type BakeOutcome = { ok: true; images: { region: string; imageId: string }[]; files: string[] } | { ok: false; message: string };

/** What one look at a running bake found. */
/** `settling`: Packer has exited (or is exiting) but the run is not over yet; leave its processes alone. */
export type FollowResult = { ended: false; settling: boolean; bake: BakeRecord } | { ended: true; bake: BakeRecord; outcome: BakeOutcome };

/**
 * Follows a detached Packer run through its files: folds new output into the log, and tells when (and how) the run
 * ended: an exit code once its process group is gone, or a wrapper that died without one.
 */
export interface OutputFollower {
  follow(b: BakeRecord): Promise<FollowResult>;
  forget(id: string): void;
}

export function createOutputFollower(deps: { store: BakeStore; log: BakeLog; logger: Logger; now: () => number }): OutputFollower {
  const { store, log, logger, now } = deps;
  /** When each bake's exit code was first seen while its process group still had live processes. */
  const exitSeenAt = new Map<string, number>();

  async function drain(b: BakeRecord): Promise<BakeRecord> {
    let offset = b.outOffset;
    for (;;) {
      const { lines, nextOffset } = readOutput(b.runDir, offset);
      if (nextOffset === offset) break;
      const out: { packerTimeMs?: number; text: string }[] = [];
      for (const raw of lines) {
        const l = parseLine(raw);
        const text = l ? toLogText(l) : raw;
        // One stored line per printed line, so paging and timestamps stay line-based.
        for (const part of (text ?? '').split(/\r?\n/)) if (part.trim()) out.push({ ...(l ? { packerTimeMs: l.timestamp * 1000 } : {}), text: part });
      }
      await log.appendOutput(b, out, nextOffset);
      offset = nextOffset;
    }
    return (await store.get(b.id)) ?? b;
  }

  async function ended(b: BakeRecord, exit: number): Promise<FollowResult> {
    exitSeenAt.delete(b.id);
    const finalB = await drain(b);
    const files = packerRunFiles(b.runDir);
    const summary = parseMachineReadable(existsSync(files.out) ? readFileSync(files.out, 'utf8') : '');
    if (exit === 0 && !finalB.cancelRequested) {
      return { ended: true, bake: finalB, outcome: { ok: true, images: amazonImages(summary.artifacts), files: fileArtifacts(summary.artifacts) } };
    }
    const why = finalB.cancelRequested
      ? (finalB.message ?? 'Canceled by request.')
      : `Packer exited with code ${exit}${summary.errors.length ? `: ${summary.errors.join('; ')}` : ''}`;
    // Packer's own stderr (crashes, plugin failures) is not machine-readable; keep its tail in the log.
    if (!finalB.cancelRequested && existsSync(files.err)) {
      for (const line of readFileSync(files.err, 'utf8').split('\n').filter((l) => l.trim()).slice(-20)) await log.write(finalB, `packer stderr: ${line}`);
    }
    return { ended: true, bake: finalB, outcome: { ok: false, message: log.redactorFor(b)(why) } };
  }

  return {
    async follow(b0) {
      const exit0 = readExitCode(b0.runDir);
      const b = await drain(b0);
      const exit = exit0 ?? readExitCode(b.runDir);
      if (exit !== undefined && b.pid && processGroupAlive(b.pid)) {
        // Packer has exited; its plugins and the wrapper are finishing. The slot is free (and the bake ends) only once
        // the whole group is gone, so `maxConcurrentBakes` is a hard cap, unless something lingers past the grace time.
        const seen = exitSeenAt.get(b.id) ?? now();
        exitSeenAt.set(b.id, seen);
        if (now() - seen < GROUP_EXIT_GRACE_MS) return { ended: false, settling: true, bake: b };
        logger.warn({ bakeId: b.id, pgid: b.pid }, 'processes of a finished Packer run are still alive; finishing the bake anyway and sending them SIGTERM');
        await log.write(b, `processes of this Packer run were still alive ${GROUP_EXIT_GRACE_MS / 1000} s after Packer exited; sent SIGTERM to its process group`);
        signalPacker(b.pid, 'SIGTERM');
      }
      if (exit !== undefined) return ended(b, exit);
      if (!b.pid || !isPackerAlive(b.pid, b.runDir)) {
        if (readExitCode(b.runDir) !== undefined) return { ended: false, settling: true, bake: b }; // ended between the checks; next tick finishes it
        const message = b.cancelRequested
          ? `${b.message ?? 'Canceled by request.'} Packer was killed before it could clean up.`
          : 'Packer is no longer running and left no exit code (it was killed, or died while outrigger was down); the bake did not finish.';
        return { ended: true, bake: b, outcome: { ok: false, message } };
      }
      return { ended: false, settling: false, bake: b };
    },
    forget: (id) => void exitSeenAt.delete(id),
  };
}
