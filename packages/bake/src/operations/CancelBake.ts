import type { BakeOperationDeps } from './BakeOperationDeps.js';

/** `GET /api/v1/{region}/cancel/{statusId}` (a GET, as in Rosco; text answer) */
export function bindCancelBake({ router, deps, service }: BakeOperationDeps): void {
  deps.bind(router, 'cancelBake', async ({ params, res }) => {
    res.type('text/plain').send(await service.cancel(params.statusId));
  });
}
