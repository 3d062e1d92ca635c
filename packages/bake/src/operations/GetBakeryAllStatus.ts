import type { BakeOperationDeps } from './BakeOperationDeps.js';
import { instanceStatusOf } from './GetBakeryInstanceStatus.js';

/** `GET /status/all` (one instance: SQLite is one process's store) */
export function bindGetBakeryAllStatus({ router, deps, service }: BakeOperationDeps): void {
  deps.bind(router, 'getBakeryAllStatus', async () => ({ instance: service.instanceId, instances: { [service.instanceId]: await instanceStatusOf(service) } }));
}
