import type { InstanceStatus } from '@outrigger/contract';
import type { BakeService } from '../createBakeService.js';
import type { BakeOperationDeps } from './BakeOperationDeps.js';

export async function instanceStatusOf(service: BakeService): Promise<InstanceStatus> {
  const bakes = await service.incomplete();
  return { status: bakes.length ? 'RUNNING' : 'IDLE', bakes };
}

/** `GET /status/instance` */
export function bindGetBakeryInstanceStatus({ router, deps, service }: BakeOperationDeps): void {
  deps.bind(router, 'getBakeryInstanceStatus', () => instanceStatusOf(service));
}
