import type { BakeOperationDeps } from './BakeOperationDeps.js';

/** `DELETE /api/v1/{region}/bake`: forgets the bake the request maps to (text answer, as Rosco). */
export function bindDeleteBake({ router, deps, service }: BakeOperationDeps): void {
  deps.bind(router, 'deleteBake', async ({ params, body, res }) => {
    res.type('text/plain').send(await service.forget(params.region, body));
  });
}
