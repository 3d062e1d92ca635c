import type { BakeOperationDeps } from './BakeOperationDeps.js';

/** `GET /api/v1/{region}/bake/{bakeId}` */
export function bindGetBake({ router, deps, service }: BakeOperationDeps): void {
  deps.bind(router, 'getBake', ({ params }) => service.bake(params.bakeId, params.region));
}
