import type { operations as SpecOperations } from './generated/openapi.js';
import type { OperationDef } from './operationDef.js';
import { bakeOperations } from './operations/bake.js';
import { coreOperations } from './operations/core.js';
import { ecsOperations } from './operations/ecs.js';
import { lambdaOperations } from './operations/lambda.js';
import { pluginOperations } from './operations/plugins.js';
import { lambdaRolloutOperations } from './operations/lambdaRollout.js';

/**
 * The operation table, keyed by operationId. Its type requires exactly the spec's operationIds: a missing or extra
 * key fails `tsc`. Each area adds its rows in `operations/<area>.ts` and spreads them here.
 */
export const operations = {
  ...coreOperations,
  ...ecsOperations,
  ...lambdaOperations,
  ...lambdaRolloutOperations,
  ...bakeOperations,
  ...pluginOperations,
} satisfies { [K in keyof SpecOperations]: OperationDef };

export type OperationId = keyof typeof operations;
export type Operations = typeof operations;

// The reverse direction: every key of the table is a spec operationId.
const _noExtra: Exclude<keyof typeof operations, keyof SpecOperations> extends never ? true : false = true;
void _noExtra;
