import type { BakeRecord, LogLine } from '../store/BakeRecord.js';
import type { BakeStore } from '../store/BakeStore.js';
import { createRedactor, maskSecretsInLines } from '../recipe/findSecrets.js';

/** A bake's log: outrigger's own lines and Packer's output, redacted, in the store. */
export interface BakeLog {
  /** One line from outrigger itself about this bake. */
  write(b: BakeRecord, text: string): Promise<void>;
  /**
   * Packer's output lines read up to byte `nextOffset` of its output file (stored with the offset, atomically).
   * `packerTimeMs`: the time Packer printed on the line (machine-readable output), kept in the text.
   */
  appendOutput(b: BakeRecord, lines: { packerTimeMs?: number; text: string }[], nextOffset: number): Promise<void>;
  /** Masks this bake's known secrets and anything that looks like a credential (Packer's output also goes through secretlint). */
  redactorFor(b: BakeRecord): (text: string) => string;
  /** How one stored line is shown (`<ISO time> <text>`). */
  format(l: LogLine): string;
}

/** How many bakes' last stamps are kept in memory (a bake not seen for long reads its last stamp back from the store). */
const REMEMBERED = 10_000;

/**
 * Every line is stamped when outrigger stores it, never earlier than the bake's previous line: a bake's log reads in
 * order even when Packer's own clock (whole seconds) or the host's clock steps back. Packer's own time, when its line
 * has one, stays in the text as `[packer <time>]`.
 */
export function createBakeLog(deps: { store: BakeStore; now: () => number }): BakeLog {
  const { store, now } = deps;
  const redactorFor = (b: BakeRecord) => createRedactor(b.recipe.masked ?? []);
  const lastStamp = new Map<string, number>();

  async function stamp(id: string): Promise<number> {
    let prev = lastStamp.get(id);
    if (prev === undefined) {
      const lines = await store.readLog(id);
      prev = lines.length ? lines[lines.length - 1]!.timestampMs : Number.NEGATIVE_INFINITY;
    }
    const t = Math.max(now(), prev);
    lastStamp.delete(id);
    lastStamp.set(id, t);
    if (lastStamp.size > REMEMBERED) lastStamp.delete(lastStamp.keys().next().value!);
    return t;
  }

  return {
    redactorFor,
    async write(b, text) {
      const t = await stamp(b.id);
      await store.appendLog(b.id, [{ timestampMs: t, text: redactorFor(b)(text) }], (await store.get(b.id))?.outOffset ?? b.outOffset);
    },
    async appendOutput(b, lines, nextOffset) {
      const redact = redactorFor(b);
      const t = await stamp(b.id);
      // The bake's known secrets and outrigger's patterns first, then secretlint's rule set over the whole batch.
      const texts = await maskSecretsInLines(
        lines.map((l) => redact(l.packerTimeMs !== undefined && Number.isFinite(l.packerTimeMs) ? `[packer ${new Date(l.packerTimeMs).toISOString().replace('.000Z', 'Z')}] ${l.text}` : l.text)),
      );
      await store.appendLog(
        b.id,
        texts.map((text) => ({ timestampMs: t, text })),
        nextOffset,
        b,
      );
    },
    format: (l) => `${new Date(l.timestampMs).toISOString()} ${l.text}`,
  };
}
