import { DeleteProvisionedConcurrencyConfigCommand } from '@aws-sdk/client-lambda';
import type { z } from 'zod';
import type { lambdaDescriptionSchemas } from '@outrigger/contract';
import type { OperationContext } from './OperationContext.js';
import { requireFunction } from '../aws/getFunction.js';

type D<K extends keyof typeof lambdaDescriptionSchemas> = z.infer<(typeof lambdaDescriptionSchemas)[K]>;

export async function deleteLambdaProvisionedConcurrency(ctx: OperationContext, d: D<'deleteLambdaProvisionedConcurrency'>, name: string) {
  await ctx.status(`Initializing Deleting of AWS Lambda Function Provisioned Concurrency Operation...`);
  await requireFunction(ctx, name);
  await ctx.send(ctx.lambda, new DeleteProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: d.qualifier }));
  await ctx.refresh(name);
  await ctx.status(`Finished Deleting of AWS Lambda Function Provisioned Concurrency Operation...`);
  return { functionName: name, qualifier: d.qualifier };
}
