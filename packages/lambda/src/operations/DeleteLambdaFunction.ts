import { DeleteFunctionCommand } from '@aws-sdk/client-lambda';
import type { z } from 'zod';
import type { lambdaDescriptionSchemas } from '@outrigger/contract';
import { NotFoundError } from '@outrigger/runtime';
import { deregisterAll } from '../aws/targetGroups.js';
import type { OperationContext } from './OperationContext.js';
import { requireFunction } from '../aws/getFunction.js';

type D<K extends keyof typeof lambdaDescriptionSchemas> = z.infer<(typeof lambdaDescriptionSchemas)[K]>;

/** deleteLambdaFunction: a missing function (or version) fails with not found instead of silently succeeding. */
export async function deleteLambdaFunction(ctx: OperationContext, d: D<'deleteLambdaFunction'>, name: string) {
  await ctx.status(`Initializing deletion of AWS Lambda Function Operation...`);
  const qualifier = d.qualifier && d.qualifier !== '$LATEST' ? d.qualifier : undefined;
  const current = await requireFunction(ctx, name, qualifier);
  if (!qualifier) await deregisterAll(ctx, name, current.Configuration!.FunctionArn!);
  try {
    await ctx.send(ctx.lambda, new DeleteFunctionCommand({ FunctionName: name, ...(qualifier ? { Qualifier: qualifier } : {}) }));
  } catch (err) {
    if ((err as Error).name === 'ResourceNotFoundException') throw new NotFoundError(`No such lambda found: ${name}${qualifier ? `:${qualifier}` : ''}`);
    throw err;
  }
  if (qualifier) await ctx.refresh(name);
  else ctx.evict(name);
  await ctx.status(`Finished deletion of AWS Lambda Function Operation...`);
  return { functionName: name, functionArn: current.Configuration!.FunctionArn, ...(qualifier ? { version: qualifier } : {}), deleted: true };
}
