import type { BakeOperationDeps } from './BakeOperationDeps.js';
import { bakeOptionsFor } from './bakeOptions.js';

/** `GET /bakeOptions/{cloudProvider}` */
export function bindGetBakeOptions({ router, deps, config }: BakeOperationDeps): void {
  deps.bind(router, 'getBakeOptions', ({ params }) => bakeOptionsFor(config, params.cloudProvider));
}
