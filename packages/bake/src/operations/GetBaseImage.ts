import { NotFoundError } from '@outrigger/runtime';
import type { BakeOperationDeps } from './BakeOperationDeps.js';
import { bakeOptionsFor } from './bakeOptions.js';

/** `GET /bakeOptions/{cloudProvider}/baseImages/{imageId}`: Orca reads `packageType` before every bake. */
export function bindGetBaseImage({ router, deps, config }: BakeOperationDeps): void {
  deps.bind(router, 'getBaseImage', ({ params }) => {
    const o = bakeOptionsFor(config, params.cloudProvider);
    const image = o.baseImages.find((b) => b.id === params.imageId);
    if (!image) throw new NotFoundError(`Base image ${params.imageId} not found. Valid base images: ${o.baseImages.map((b) => b.id).join(', ')}`);
    return image;
  });
}
