import type { BakeRecord, LogLine } from './BakeRecord.js';

export interface InsertResult {
  bake: BakeRecord;
  /** false: a live bake already held the key (another request, maybe on another replica, won); `bake` is that one. */
  created: boolean;
}

/** A bake another replica owned, now this replica's to run again (`adoptOrphans`). */
export type AdoptedBake = BakeRecord & { adoptedFrom: string };

/**
 * Where the bakery keeps bake records, their logs and the image → bake index. The service reaches storage only
 * through this interface: `SqliteBakeStore` (one process, the default) and `PostgresBakeStore` (several replicas on
 * one database), both proven by `runBakeStoreCases`.
 *
 * Reads (`get`, `findReusable`, logs) see every bake. The work lists (`listByPhase`) are this process's own: with
 * several replicas, each queue starts and follows only the Packer runs it owns.
 */
export interface BakeStore {
  /**
   * Stores a new bake. With `dedupe`, the store itself refuses a second live bake with the same key (the check holds
   * across replicas): the live one is returned with `created: false`.
   */
  insert(b: BakeRecord, options?: { dedupe: boolean }): Promise<InsertResult>;
  /** Replaces the record. `cancelRequested` and `forgotten` never go back to false; an ended bake never runs again. */
  update(b: BakeRecord): Promise<void>;
  get(id: string): Promise<BakeRecord | undefined>;
  /** The newest bake with this key that is running (or queued) or succeeded, unless forgotten. */
  findReusable(bakeKey: string): Promise<BakeRecord | undefined>;
  /** The newest bake with this key, in any state, unless forgotten. */
  findLatest(bakeKey: string): Promise<BakeRecord | undefined>;
  /** This process's bakes in `phase`, oldest first. */
  listByPhase(phase: BakeRecord['phase']): Promise<BakeRecord[]>;
  listIncomplete(): Promise<BakeRecord[]>;
  listEnded(): Promise<BakeRecord[]>;
  /** 1-based position in the queue the bake waits in, or undefined when not queued. */
  queuePosition(id: string): Promise<number | undefined>;
  listByExecution(executionId: string): Promise<BakeRecord[]>;
  regionsOf(provider: string): Promise<string[]>;
  delete(id: string): Promise<void>;
  /**
   * Appends log lines and records how far Packer's output file has been read, atomically. With `from` (the record the
   * writer follows Packer for), nothing is written once the bake has another owner or a later attempt (fencing).
   */
  appendLog(id: string, lines: { timestampMs: number; text: string }[], outOffset: number, from?: Pick<BakeRecord, 'ownerId' | 'attempt'>): Promise<void>;
  readLog(id: string, offset?: number, limit?: number): Promise<LogLine[]>;
  hasLog(id: string): Promise<boolean>;
  indexImages(bakeId: string, images: { region: string; imageId: string }[]): Promise<void>;
  bakeForImage(region: string, imageId: string): Promise<string | undefined>;
  /** Whether this process runs the bake's Packer (always, for a one-process store). */
  owns(b: BakeRecord): boolean;
  /** Tells the other replicas this one is alive (a no-op for a one-process store). */
  heartbeat(now: number): Promise<void>;
  /**
   * Takes over the live bakes of replicas silent since `staleBeforeMs`: they become this process's (the records are
   * returned as they were; the caller re-attaches or restarts them). Exactly one replica adopts each bake. A
   * one-process store adopts nothing (a restart re-attaches to its own runs instead).
   */
  adoptOrphans(staleBeforeMs: number, now: number): Promise<AdoptedBake[]>;
}
