import { NotFoundError } from '@outrigger/runtime';
import type { BakeOperationDeps } from './BakeOperationDeps.js';

/** `GET /api/v1/{region}/logs/image/{imageId}` */
export function bindGetBakeLogsByImage({ router, deps, service }: BakeOperationDeps): void {
  deps.bind(router, 'getBakeLogsByImage', async ({ params }) => {
    const id = await service.bakeForImage(params.region, params.imageId);
    if (!id) throw new NotFoundError('Logs not found.');
    return { logsContent: (await service.logs(id)).lines.map(service.formatLine).join('\n') };
  });
}
