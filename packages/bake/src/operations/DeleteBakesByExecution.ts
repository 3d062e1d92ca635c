import type { BakeOperationDeps } from './BakeOperationDeps.js';

/** `POST /api/v1/bakes/delete-requests` (Orca's execution cleanup; empty 200) */
export function bindDeleteBakesByExecution({ router, deps, service }: BakeOperationDeps): void {
  deps.bind(router, 'deleteBakesByExecution', async ({ body, res }) => {
    await service.purgeExecutions(body.pipelineExecutionIds);
    res.status(200).end();
  });
}
