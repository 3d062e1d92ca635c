import type { Task, WebhookTaskStatus } from '@outrigger/contract';
import type { TaskFinish, TaskRecord, TaskState } from './TaskStore.js';

export const ORCHESTRATION = 'ORCHESTRATION';

export function stateOf(t: Pick<TaskRecord, 'completed' | 'failed' | 'canceled'>): TaskState {
  if (!t.completed) return 'running';
  if (t.canceled) return 'canceled';
  return t.failed ? 'failed' : 'succeeded';
}

/** How a task whose process died ends: failed, retryable, with an exception summary Orca can show. */
export function orphanFinish(t: TaskRecord, message: string): TaskFinish {
  return {
    failed: true,
    retryable: true,
    phase: ORCHESTRATION,
    status: `Orchestration failed: ${t.operation} | Exc: [${message}]`,
    resultObjects: [{ type: 'EXCEPTION', operation: t.operation, message, cause: 'ProcessDied', retryable: true }],
  };
}

/** The clouddriver `GET /task/{id}` shape. */
export function toClouddriverTask(t: TaskRecord): Task {
  return {
    id: t.id,
    ownerId: t.ownerId,
    ...(t.requestId ? { requestId: t.requestId } : {}),
    operation: t.operation,
    ...(t.account ? { account: t.account } : {}),
    startTimeMs: t.startTimeMs,
    ...(t.endTimeMs !== undefined ? { endTimeMs: t.endTimeMs } : {}),
    retryable: t.retryable,
    status: {
      phase: t.phase,
      status: t.status,
      complete: t.completed,
      completed: t.completed,
      failed: t.failed,
      retryable: t.retryable,
    },
    history: t.history.map((h) => ({ phase: h.phase, status: h.status, timestamp: h.timestamp })),
    resultObjects: t.resultObjects,
  };
}

/** The webhook-stage status resource: RUNNING / SUCCEEDED / TERMINAL / CANCELED with a progress message. */
export function toWebhookStatus(t: TaskRecord): WebhookTaskStatus {
  const state = stateOf(t);
  const status = ({ running: 'RUNNING', succeeded: 'SUCCEEDED', failed: 'TERMINAL', canceled: 'CANCELED' } as const)[state];
  const exception = t.resultObjects.find((r) => r.type === 'EXCEPTION');
  const message = state === 'failed' && typeof exception?.message === 'string' ? exception.message : t.status;
  const artifacts = t.resultObjects.flatMap((r) => (Array.isArray(r.artifacts) ? (r.artifacts as WebhookTaskStatus['artifacts'] & object) : []));
  return {
    id: t.id,
    status,
    message,
    operation: t.operation,
    resultObjects: t.resultObjects,
    ...(artifacts.length ? { artifacts } : {}),
  };
}
