import { rmSync } from 'node:fs';
import path from 'node:path';
import { packerRunFiles } from '../packer/runPacker.js';
import type { BakeRecord } from '../store/BakeRecord.js';
import type { BakeStore } from '../store/BakeStore.js';
import type { BakeLog } from './createBakeLog.js';
import type { BakeOutcome } from './createOutputFollower.js';

/** Records how a bake ended (state, images, log line) and removes what must not outlive it. */
export type FinishBake = (b: BakeRecord, outcome: BakeOutcome) => Promise<BakeRecord>;

export function createBakeFinisher(deps: { store: BakeStore; log: BakeLog; now: () => number; hidePaths: (text: string) => string }): FinishBake {
  const { store, log, now } = deps;
  return async (b, result) => {
    const outcome: BakeOutcome = result.ok ? result : { ok: false, message: deps.hidePaths(result.message) };
    const t = now();
    const cur = (await store.get(b.id)) ?? b;
    const next: BakeRecord = outcome.ok
      ? { ...cur, state: 'COMPLETED', result: 'SUCCESS', phase: 'done', images: outcome.images, files: outcome.files, updatedMs: t, endedMs: t }
      : { ...cur, state: 'CANCELED', result: 'FAILURE', phase: 'done', message: outcome.message, updatedMs: t, endedMs: t };
    // The last log line and the image index first, then the state: whoever sees the bake ended sees all of it.
    if (outcome.ok) {
      await store.indexImages(b.id, [...outcome.images, ...(outcome.images.length ? [] : [{ region: b.region, imageId: next.imageName ?? b.id }])]);
      await log.write(next, `bake ${b.id} completed: ${outcome.images.map((i) => `${i.region}: ${i.imageId}`).join(', ') || outcome.files.join(', ') || 'no image'}`);
    } else {
      await log.write(next, `bake ${b.id} failed: ${outcome.message}`);
    }
    await store.update({ ...next, outOffset: (await store.get(b.id))?.outOffset ?? next.outOffset });
    // The private var-file and Packer's raw (unredacted) output are not kept once the bake has ended; the redacted
    // log and the results are in the store.
    const files = packerRunFiles(b.runDir);
    for (const f of [path.join(b.runDir, 'variables.json'), files.out, files.err]) rmSync(f, { force: true });
    return next;
  };
}
