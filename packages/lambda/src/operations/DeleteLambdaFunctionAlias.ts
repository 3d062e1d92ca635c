import { DeleteAliasCommand, GetAliasCommand } from '@aws-sdk/client-lambda';
import type { z } from 'zod';
import type { lambdaDescriptionSchemas } from '@outrigger/contract';
import { NotFoundError } from '@outrigger/runtime';
import type { OperationContext } from './OperationContext.js';

type D<K extends keyof typeof lambdaDescriptionSchemas> = z.infer<(typeof lambdaDescriptionSchemas)[K]>;

/** deleteLambdaFunctionAlias (outrigger addition): a missing alias fails with not found. */
export async function deleteLambdaFunctionAlias(ctx: OperationContext, d: D<'deleteLambdaFunctionAlias'>, name: string) {
  await ctx.status(`Initializing Deletion of AWS Lambda Function Alias Operation...`);
  try {
    await ctx.send(ctx.lambda, new GetAliasCommand({ FunctionName: name, Name: d.aliasName }));
  } catch (err) {
    if ((err as Error).name === 'ResourceNotFoundException') throw new NotFoundError(`No such alias found: ${name}:${d.aliasName}`);
    throw err;
  }
  await ctx.send(ctx.lambda, new DeleteAliasCommand({ FunctionName: name, Name: d.aliasName }));
  await ctx.refresh(name);
  await ctx.status(`Deleted alias ${d.aliasName} of ${name}`);
  return { functionName: name, aliasName: d.aliasName, deleted: true };
}
