import type { z } from 'zod';
import type { LambdaOperationName, lambdaDescriptionSchemas } from '@outrigger/contract';
import { putLambdaProvisionedConcurrency, deleteLambdaProvisionedConcurrency, putLambdaReservedConcurrency, deleteLambdaReservedConcurrency } from './concurrency.js';
import { deleteLambdaFunctionEventMapping, upsertLambdaFunctionEventMapping } from './eventMappings.js';
import { createLambdaFunction, deleteLambdaFunction, updateLambdaFunctionCode, updateLambdaFunctionConfiguration } from './functionWrites.js';
import { invokeLambdaFunction } from './invokeLambdaFunction.js';
import type { OperationContext } from './OperationContext.js';
import { deleteLambdaFunctionAlias, publishLambdaFunctionVersion, upsertLambdaFunctionAlias } from './versionsAndAliases.js';

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
