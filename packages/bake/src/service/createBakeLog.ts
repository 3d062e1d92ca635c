import type { BakeRecord, LogLine } from '../store/BakeRecord.js';
import type { BakeStore } from '../store/BakeStore.js';
import { createRedactor } from '../recipe/findSecrets.js';

/** A bake's log: outrigger's own lines and Packer's output, redacted, in the store. */
export interface BakeLog {
  /** One line from outrigger itself about this bake. */
  write(b: BakeRecord, text: string): Promise<void>;
  /** Packer's output lines read up to byte `nextOffset` of its output file (stored with the offset, atomically). */
  appendOutput(b: BakeRecord, lines: { timestampMs?: number; text: string }[], nextOffset: number): Promise<void>;
  /** Masks this bake's known secrets and anything that looks like a credential. */
  redactorFor(b: BakeRecord): (text: string) => string;
  /** How one stored line is shown (`<ISO time> <text>`). */
  format(l: LogLine): string;
}

export function createBakeLog(deps: { store: BakeStore; now: () => number }): BakeLog {
  const { store, now } = deps;
  const redactorFor = (b: BakeRecord) => createRedactor(b.recipe.masked ?? []);
  return {
    redactorFor,
    async write(b, text) {
      await store.appendLog(b.id, [{ timestampMs: now(), text: redactorFor(b)(text) }], (await store.get(b.id))?.outOffset ?? b.outOffset);
    },
    async appendOutput(b, lines, nextOffset) {
      const redact = redactorFor(b);
      await store.appendLog(
        b.id,
        lines.map((l) => ({ timestampMs: l.timestampMs ?? now(), text: redact(l.text) })),
        nextOffset,
      );
    },
    format: (l) => `${new Date(l.timestampMs).toISOString()} ${l.text}`,
  };
}
