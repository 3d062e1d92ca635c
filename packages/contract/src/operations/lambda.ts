import { z } from 'zod';
import { defineOperation } from '../operationDef.js';
import {
  ApplicationFunctionsParamsSchema,
  ClientRequestIdQuerySchema,
  FunctionCacheEntrySchema,
  FunctionCacheQuerySchema,
  FunctionCacheRefreshResultSchema,
  FunctionCacheRefreshSchema,
  LambdaFunctionSchema,
  LambdaOperationListSchema,
  LambdaRuntimeSchema,
  ListFunctionsQuerySchema,
  lambdaDescriptionSchemas,
} from '../schemas/lambda.js';
import { TaskRefSchema } from '../schemas/tasks.js';

/** Operations of `openapi/paths/lambda.yaml`. */
export const lambdaOperations = {
  createLambdaFunction: defineOperation({ method: 'post', path: '/aws/ops/createLambdaFunction', query: ClientRequestIdQuerySchema, body: lambdaDescriptionSchemas.createLambdaFunction, response: TaskRefSchema }),
  updateLambdaFunctionConfiguration: defineOperation({ method: 'post', path: '/aws/ops/updateLambdaFunctionConfiguration', query: ClientRequestIdQuerySchema, body: lambdaDescriptionSchemas.updateLambdaFunctionConfiguration, response: TaskRefSchema }),
  updateLambdaFunctionCode: defineOperation({ method: 'post', path: '/aws/ops/updateLambdaFunctionCode', query: ClientRequestIdQuerySchema, body: lambdaDescriptionSchemas.updateLambdaFunctionCode, response: TaskRefSchema }),
  deleteLambdaFunction: defineOperation({ method: 'post', path: '/aws/ops/deleteLambdaFunction', query: ClientRequestIdQuerySchema, body: lambdaDescriptionSchemas.deleteLambdaFunction, response: TaskRefSchema }),
  invokeLambdaFunction: defineOperation({ method: 'post', path: '/aws/ops/invokeLambdaFunction', query: ClientRequestIdQuerySchema, body: lambdaDescriptionSchemas.invokeLambdaFunction, response: TaskRefSchema }),
  publishLambdaFunctionVersion: defineOperation({ method: 'post', path: '/aws/ops/publishLambdaFunctionVersion', query: ClientRequestIdQuerySchema, body: lambdaDescriptionSchemas.publishLambdaFunctionVersion, response: TaskRefSchema }),
  upsertLambdaFunctionAlias: defineOperation({ method: 'post', path: '/aws/ops/upsertLambdaFunctionAlias', query: ClientRequestIdQuerySchema, body: lambdaDescriptionSchemas.upsertLambdaFunctionAlias, response: TaskRefSchema }),
  deleteLambdaFunctionAlias: defineOperation({ method: 'post', path: '/aws/ops/deleteLambdaFunctionAlias', query: ClientRequestIdQuerySchema, body: lambdaDescriptionSchemas.deleteLambdaFunctionAlias, response: TaskRefSchema }),
  upsertLambdaFunctionEventMapping: defineOperation({ method: 'post', path: '/aws/ops/upsertLambdaFunctionEventMapping', query: ClientRequestIdQuerySchema, body: lambdaDescriptionSchemas.upsertLambdaFunctionEventMapping, response: TaskRefSchema }),
  deleteLambdaFunctionEventMapping: defineOperation({ method: 'post', path: '/aws/ops/deleteLambdaFunctionEventMapping', query: ClientRequestIdQuerySchema, body: lambdaDescriptionSchemas.deleteLambdaFunctionEventMapping, response: TaskRefSchema }),
  putLambdaReservedConcurrency: defineOperation({ method: 'post', path: '/aws/ops/putLambdaReservedConcurrency', query: ClientRequestIdQuerySchema, body: lambdaDescriptionSchemas.putLambdaReservedConcurrency, response: TaskRefSchema }),
  deleteLambdaReservedConcurrency: defineOperation({ method: 'post', path: '/aws/ops/deleteLambdaReservedConcurrency', query: ClientRequestIdQuerySchema, body: lambdaDescriptionSchemas.deleteLambdaReservedConcurrency, response: TaskRefSchema }),
  putLambdaProvisionedConcurrency: defineOperation({ method: 'post', path: '/aws/ops/putLambdaProvisionedConcurrency', query: ClientRequestIdQuerySchema, body: lambdaDescriptionSchemas.putLambdaProvisionedConcurrency, response: TaskRefSchema }),
  deleteLambdaProvisionedConcurrency: defineOperation({ method: 'post', path: '/aws/ops/deleteLambdaProvisionedConcurrency', query: ClientRequestIdQuerySchema, body: lambdaDescriptionSchemas.deleteLambdaProvisionedConcurrency, response: TaskRefSchema }),
  submitAwsOperations: defineOperation({ method: 'post', path: '/aws/ops', query: ClientRequestIdQuerySchema, body: LambdaOperationListSchema, response: TaskRefSchema }),
  listFunctions: defineOperation({ method: 'get', path: '/functions', query: ListFunctionsQuerySchema, response: z.array(LambdaFunctionSchema) }),
  listFunctionRuntimes: defineOperation({ method: 'get', path: '/functions/runtimes', response: z.array(LambdaRuntimeSchema) }),
  listApplicationFunctions: defineOperation({
    method: 'get',
    path: '/applications/{application}/functions',
    params: ApplicationFunctionsParamsSchema,
    response: z.array(LambdaFunctionSchema),
  }),
  getFunctionCacheStatus: defineOperation({ method: 'get', path: '/cache/aws/function', query: FunctionCacheQuerySchema, response: z.array(FunctionCacheEntrySchema) }),
  refreshFunctionCache: defineOperation({ method: 'post', path: '/cache/aws/function', body: FunctionCacheRefreshSchema, response: FunctionCacheRefreshResultSchema }),
};
