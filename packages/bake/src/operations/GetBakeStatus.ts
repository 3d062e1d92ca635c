import type { BakeOperationDeps } from './BakeOperationDeps.js';

/** `GET /api/v1/{region}/status/{statusId}` (what Orca polls) */
export function bindGetBakeStatus({ router, deps, service }: BakeOperationDeps): void {
  deps.bind(router, 'getBakeStatus', ({ params }) => service.status(params.statusId));
}
