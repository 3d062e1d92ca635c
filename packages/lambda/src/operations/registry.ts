import type { z } from 'zod';
import type { LambdaOperationName, lambdaDescriptionSchemas } from '@outrigger/contract';
import { createLambdaFunction } from './CreateLambdaFunction.js';
import { deleteLambdaFunction } from './DeleteLambdaFunction.js';
import { deleteLambdaFunctionAlias } from './DeleteLambdaFunctionAlias.js';
import { deleteLambdaFunctionEventMapping } from './DeleteLambdaFunctionEventMapping.js';
import { deleteLambdaProvisionedConcurrency } from './DeleteLambdaProvisionedConcurrency.js';
import { deleteLambdaReservedConcurrency } from './DeleteLambdaReservedConcurrency.js';
import { invokeLambdaFunction } from './InvokeLambdaFunction.js';
import { publishLambdaFunctionVersion } from './PublishLambdaFunctionVersion.js';
import { putLambdaProvisionedConcurrency } from './PutLambdaProvisionedConcurrency.js';
import { putLambdaReservedConcurrency } from './PutLambdaReservedConcurrency.js';
import { updateLambdaFunctionCode } from './UpdateLambdaFunctionCode.js';
import { updateLambdaFunctionConfiguration } from './UpdateLambdaFunctionConfiguration.js';
import { upsertLambdaFunctionAlias } from './UpsertLambdaFunctionAlias.js';
import { upsertLambdaFunctionEventMapping } from './UpsertLambdaFunctionEventMapping.js';
import type { OperationContext } from './OperationContext.js';

type Run<K extends LambdaOperationName> = (ctx: OperationContext, d: z.infer<(typeof lambdaDescriptionSchemas)[K]>, functionName: string) => Promise<Record<string, unknown>>;

/** Each operation's task phase (clouddriver's, §1.3) and its implementation. */
export const lambdaOperationTable: { [K in LambdaOperationName]: { phase: string; run: Run<K> } } = {
  createLambdaFunction: { phase: 'CREATE_LAMBDA_FUNCTION', run: createLambdaFunction },
  updateLambdaFunctionConfiguration: { phase: 'UPDATE_LAMBDA_FUNCTION_CONFIGURATION', run: updateLambdaFunctionConfiguration },
  updateLambdaFunctionCode: { phase: 'UPDATE_LAMBDA_FUNCTION_CODE', run: updateLambdaFunctionCode },
  deleteLambdaFunction: { phase: 'DELETE_LAMBDA_FUNCTION_CODE', run: deleteLambdaFunction },
  invokeLambdaFunction: { phase: 'INVOKE_LAMBDA_FUNCTION', run: invokeLambdaFunction },
  publishLambdaFunctionVersion: { phase: 'PUBLISH_LAMBDA_FUNCTION_VERSION', run: publishLambdaFunctionVersion },
  upsertLambdaFunctionAlias: { phase: 'UPSERT_LAMBDA_FUNCTION_ALIAS', run: upsertLambdaFunctionAlias },
  deleteLambdaFunctionAlias: { phase: 'DELETE_LAMBDA_FUNCTION_ALIAS', run: deleteLambdaFunctionAlias },
  upsertLambdaFunctionEventMapping: { phase: 'UPSERT_LAMBDA_FUNCTION_EVENT_MAPPING', run: upsertLambdaFunctionEventMapping },
  deleteLambdaFunctionEventMapping: { phase: 'DELETE_LAMBDA_FUNCTION_EVENT_MAPPING', run: deleteLambdaFunctionEventMapping },
  putLambdaReservedConcurrency: { phase: 'PUT_LAMBDA_FUNCTION_RESERVED_CONCURRENCY', run: putLambdaReservedConcurrency },
  deleteLambdaReservedConcurrency: { phase: 'DELETE_LAMBDA_FUNCTION_RESERVED_CONCURRENCY', run: deleteLambdaReservedConcurrency },
  putLambdaProvisionedConcurrency: { phase: 'PUT_LAMBDA_FUNCTION_PROVISIONED_CONCURRENCY', run: putLambdaProvisionedConcurrency },
  deleteLambdaProvisionedConcurrency: { phase: 'DELETE_LAMBDA_FUNCTION_PROVISIONED_CONCURRENCY', run: deleteLambdaProvisionedConcurrency },
};
