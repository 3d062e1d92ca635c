import type { Router } from 'express';
import type { AccountConfig, ProviderDeps } from '@outrigger/runtime';
import type { BakeConfig } from '../config/BakeConfigSchema.js';
import type { BakeService } from '../createBakeService.js';

/** What every `operations/<OperationId>.ts` binder receives. */
export interface BakeOperationDeps {
  router: Router;
  deps: ProviderDeps;
  service: BakeService;
  config: BakeConfig;
  /** The AWS account a request names, else `bake.aws.bakeAccount`, else the first configured one. */
  accountFor(name: string | undefined): AccountConfig;
}
