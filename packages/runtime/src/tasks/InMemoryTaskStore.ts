import { checkLease, type NewTask, type TaskFinish, type TaskLease, type TaskRecord, type TaskState, type TaskStore } from './TaskStore.js';
import { orphanFinish, stateOf } from './taskState.js';

/** Tasks in a Map: for tests and `storage.type: memory`. Nothing survives a restart. */
export class InMemoryTaskStore implements TaskStore {
  private readonly tasks = new Map<string, TaskRecord>();

  async create(input: NewTask, now: number) {
    if (input.requestId) {
      const existing = [...this.tasks.values()]
        .filter((t) => t.requestId === input.requestId)
        .sort((a, b) => b.startTimeMs - a.startTimeMs)[0];
      if (existing && !(existing.failed && existing.retryable)) return { task: structuredClone(existing), created: false };
    }
    const task: TaskRecord = {
      ...input,
      startTimeMs: now,
      heartbeatMs: now,
      completed: false,
      failed: false,
      retryable: false,
      canceled: false,
      history: [{ phase: input.phase, status: input.status, timestamp: now }],
      resultObjects: [],
      steps: [],
      epoch: 0,
    };
    this.tasks.set(task.id, task);
    return { task: structuredClone(task), created: true };
  }

  async get(id: string) {
    const t = this.tasks.get(id);
    return t && structuredClone(t);
  }

  async list(options: { limit: number; accounts?: readonly string[] }) {
    const allowed = options.accounts && new Set(options.accounts);
    return [...this.tasks.values()]
      .filter((t) => !allowed || !t.account || allowed.has(t.account))
      .sort((a, b) => b.startTimeMs - a.startTimeMs)
      .slice(0, options.limit)
      .map((t) => structuredClone(t));
  }

  async appendHistory(id: string, phase: string, status: string, now: number, lease?: TaskLease) {
    const t = this.tasks.get(id);
    if (!t) return;
    checkLease(t, lease);
    t.history.push({ phase, status, timestamp: now });
    t.phase = phase;
    t.status = status;
    t.heartbeatMs = now;
  }

  async addResultObjects(id: string, objects: Record<string, unknown>[], lease?: TaskLease) {
    checkLease(this.tasks.get(id), lease);
    this.tasks.get(id)?.resultObjects.push(...structuredClone(objects));
  }

  async finish(id: string, f: TaskFinish, now: number, lease?: TaskLease) {
    const t = this.tasks.get(id);
    checkLease(t, lease);
    if (!t || t.completed) return;
    if (f.resultObjects) t.resultObjects.push(...structuredClone(f.resultObjects));
    t.history.push({ phase: f.phase, status: f.status, timestamp: now });
    Object.assign(t, { phase: f.phase, status: f.status, completed: true, failed: f.failed, retryable: f.retryable, canceled: f.canceled ?? false, endTimeMs: now, heartbeatMs: now });
  }

  async heartbeat(ownerId: string, now: number) {
    for (const t of this.tasks.values()) if (t.ownerId === ownerId && !t.completed) t.heartbeatMs = now;
  }

  async failOrphans(o: Parameters<TaskStore['failOrphans']>[0]) {
    const out: TaskRecord[] = [];
    for (const t of this.tasks.values()) {
      if (t.completed || t.ownerId === o.exceptOwnerId || t.heartbeatMs >= o.staleBeforeMs) continue;
      await this.finish(t.id, orphanFinish(t, o.message(t), o.retryable?.(t) ?? true), o.now);
      t.epoch++;
      out.push(structuredClone(t));
    }
    return out;
  }

  async recordStep(id: string, name: string, effect: Record<string, unknown>, now: number, lease?: TaskLease) {
    checkLease(this.tasks.get(id), lease);
    this.tasks.get(id)?.steps.push({ name, effect: structuredClone(effect), timestamp: now });
  }

  async reopen(id: string, ownerId: string, line: { phase: string; status: string }, now: number) {
    const t = this.tasks.get(id);
    if (!t || !t.completed || !t.failed || !t.retryable) return undefined;
    Object.assign(t, { ownerId, epoch: t.epoch + 1, completed: false, failed: false, retryable: false, canceled: false, heartbeatMs: now, phase: line.phase, status: line.status });
    delete t.endTimeMs;
    t.resultObjects = t.resultObjects.filter((r) => r.type !== 'EXCEPTION');
    t.history.push({ ...line, timestamp: now });
    return structuredClone(t);
  }

  async countByState() {
    const counts: Record<TaskState, number> = { running: 0, succeeded: 0, failed: 0, canceled: 0 };
    for (const t of this.tasks.values()) counts[stateOf(t)]++;
    return counts;
  }

  async close() {}
}
