import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { TaskState } from '../tasks/TaskStore.js';

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'operationId' | 'method' | 'status'>;
  /** Registers a callback that reports task counts by state at scrape time. */
  trackTasks(count: () => Promise<Record<TaskState, number>>): void;
}

/** Prometheus metrics for one app: request durations by operationId, tasks by state, and Node process metrics. */
export function createMetrics(options: { prefix?: string } = {}): Metrics {
  const prefix = options.prefix ?? 'outrigger_';
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix });
  const httpDuration = new Histogram({
    name: `${prefix}http_request_duration_seconds`,
    help: 'HTTP request duration by operationId',
    labelNames: ['operationId', 'method', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return {
    registry,
    httpDuration,
    trackTasks(count) {
      new Gauge({
        name: `${prefix}tasks`,
        help: 'Tasks in the store by state',
        labelNames: ['state'] as const,
        registers: [registry],
        async collect() {
          const counts = await count();
          for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
        },
      });
    },
  };
}
