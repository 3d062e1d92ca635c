import type { BakeRecord, LogLine } from './BakeRecord.js';

/**
 * Where the bakery keeps bake records, their logs and the image → bake index. The service reaches storage only
 * through this interface (SQLite today; a PostgreSQL implementation sits behind the same seam).
 */
export interface BakeStore {
  insert(b: BakeRecord): void;
  /** Replaces the whole record (callers read, change, write). */
  update(b: BakeRecord): void;
  get(id: string): BakeRecord | undefined;
  /** The newest bake with this key that is running (or queued) or succeeded, unless forgotten. */
  findReusable(bakeKey: string): BakeRecord | undefined;
  /** The newest bake with this key, in any state, unless forgotten. */
  findLatest(bakeKey: string): BakeRecord | undefined;
  listByPhase(phase: BakeRecord['phase']): BakeRecord[];
  listIncomplete(): BakeRecord[];
  listEnded(): BakeRecord[];
  /** 1-based position among queued bakes, or undefined when not queued. */
  queuePosition(id: string): number | undefined;
  listByExecution(executionId: string): BakeRecord[];
  regionsOf(provider: string): string[];
  delete(id: string): void;
  /** Appends log lines and records how far Packer's output file has been read, atomically. */
  appendLog(id: string, lines: { timestampMs: number; text: string }[], outOffset: number): void;
  readLog(id: string, offset?: number, limit?: number): LogLine[];
  hasLog(id: string): boolean;
  indexImages(bakeId: string, images: { region: string; imageId: string }[]): void;
  bakeForImage(region: string, imageId: string): string | undefined;
}
