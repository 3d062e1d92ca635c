import { PutFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import type { z } from 'zod';
import type { lambdaDescriptionSchemas } from '@outrigger/contract';
import type { OperationContext } from './OperationContext.js';
import { requireFunction } from '../aws/getFunction.js';

type D<K extends keyof typeof lambdaDescriptionSchemas> = z.infer<(typeof lambdaDescriptionSchemas)[K]>;

export async function putLambdaReservedConcurrency(ctx: OperationContext, d: D<'putLambdaReservedConcurrency'>, name: string) {
  await ctx.status(`Initializing Updating of AWS Lambda Function Reserved Concurrency Operation...`);
  await requireFunction(ctx, name);
  await ctx.send(ctx.lambda, new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: d.reservedConcurrentExecutions }));
  await ctx.refresh(name);
  await ctx.status(`Finished Updating of AWS Lambda Function Reserved Concurrency Operation...`);
  return { functionName: name, reservedConcurrentExecutions: d.reservedConcurrentExecutions };
}
