import type { BakeOperationDeps } from './BakeOperationDeps.js';
import { bakeOptionsOf } from './bakeOptions.js';

/** `GET /bakeOptions` */
export function bindListBakeOptions({ router, deps, config }: BakeOperationDeps): void {
  deps.bind(router, 'listBakeOptions', () => bakeOptionsOf(config));
}
