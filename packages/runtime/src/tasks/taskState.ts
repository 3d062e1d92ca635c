import type { Task, WebhookTaskStatus } from '@outrigger/contract';
import type { TaskFinish, TaskRecord, TaskState } from './TaskStore.js';

export const ORCHESTRATION = 'ORCHESTRATION';

export function stateOf(t: Pick<TaskRecord, 'completed' | 'failed' | 'canceled'>): TaskState {
  if (!t.completed) return 'running';
  if (t.canceled) return 'canceled';
  return t.failed ? 'failed' : 'succeeded';
}

/**
 * The last history line of a failed task, as a person reads it: "createLambdaFunction failed: AWS Lambda is not
 * enabled for provided account." (clouddriver writes `Orchestration failed: X | Exc: [message]`; the exception type
 * stays in the result object's `cause`, for Orca).
 */
export function failureLine(operation: string, message: string): string {
  const text = message.trim() || 'no reason was given';
  return `${operation} failed: ${text}${/[.!?)\]]$/.test(text) ? '' : '.'}`;
}

/** How a task whose process died ends: failed, retryable (unless it cannot be resumed), with an exception summary. */
export function orphanFinish(t: TaskRecord, message: string, retryable = true): TaskFinish {
  return {
    failed: true,
    retryable,
    phase: ORCHESTRATION,
    status: failureLine(t.operation, message),
    resultObjects: [exceptionSummary({ operation: t.operation, message, cause: 'ProcessDied', retryable })],
  };
}

/**
 * clouddriver's exception result object (`DefaultOrchestrationProcessor.extractExceptionSummary`, kork's
 * `ExceptionSummaryService.summary`): `type: EXCEPTION`, `operation`, `message`, `cause`, `retryable` and `details`,
 * the exception chain innermost first, one `{message, retryable}` per link. `chain` defaults to the one message.
 */
export function exceptionSummary(e: {
  operation: string;
  message: string;
  cause: string;
  retryable: boolean;
  chain?: { message: string; exceptionType?: string }[];
}): Record<string, unknown> {
  const chain = e.chain?.length ? e.chain : [{ message: e.message, exceptionType: e.cause }];
  return {
    type: 'EXCEPTION',
    operation: e.operation,
    message: e.message,
    cause: e.cause,
    retryable: e.retryable,
    details: [...chain].reverse().map((c) => ({ message: c.message, ...(c.exceptionType ? { exceptionType: c.exceptionType } : {}), retryable: e.retryable })),
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
    // clouddriver's DefaultTask.getOutputs(): the (manifest, phase, stdOut, stdErr) lines of Kubernetes jobs; outrigger
    // has none, and Orca's MonitorKatoTask copies the list into `kato.tasks[].outputs`.
    outputs: [],
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
