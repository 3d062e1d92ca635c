import { DeleteFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import type { z } from 'zod';
import type { lambdaDescriptionSchemas } from '@outrigger/contract';
import type { OperationContext } from './OperationContext.js';
import { requireFunction } from '../aws/getFunction.js';

type D<K extends keyof typeof lambdaDescriptionSchemas> = z.infer<(typeof lambdaDescriptionSchemas)[K]>;

export async function deleteLambdaReservedConcurrency(ctx: OperationContext, _d: D<'deleteLambdaReservedConcurrency'>, name: string) {
  await ctx.status(`Initializing Deleting of AWS Lambda Function Reserved Concurrency Operation...`);
  await requireFunction(ctx, name);
  await ctx.send(ctx.lambda, new DeleteFunctionConcurrencyCommand({ FunctionName: name }));
  await ctx.refresh(name);
  await ctx.status(`Finished Deleting of AWS Lambda Function Reserved Concurrency Operation...`);
  return { functionName: name };
}
