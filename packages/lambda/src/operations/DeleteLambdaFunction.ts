import { DeleteFunctionCommand } from '@aws-sdk/client-lambda';
import type { z } from 'zod';
import type { lambdaDescriptionSchemas } from '@outrigger/contract';
import { deregisterAll } from '../aws/targetGroups.js';
import type { OperationContext } from './OperationContext.js';
import { getFunction } from '../aws/getFunction.js';

type D<K extends keyof typeof lambdaDescriptionSchemas> = z.infer<(typeof lambdaDescriptionSchemas)[K]>;

/**
 * deleteLambdaFunction. A function (or version) that no longer exists is a no-op success with a history line saying
 * so, as clouddriver's DeleteLambdaAtomicOperation (clouddriver-lambda/.../deploy/ops/DeleteLambdaAtomicOperation.java:
 * it deletes only when the cache finds the function, and returns null otherwise): a re-run or a resume of a delete that
 * already took effect must succeed.
 */
export async function deleteLambdaFunction(ctx: OperationContext, d: D<'deleteLambdaFunction'>, name: string) {
  await ctx.status(`Initializing deletion of AWS Lambda Function Operation...`);
  const qualifier = d.qualifier && d.qualifier !== '$LATEST' ? d.qualifier : undefined;
  const label = `${name}${qualifier ? `:${qualifier}` : ''}`;
  const gone = async () => {
    if (qualifier) await ctx.refresh(name);
    else ctx.evict(name);
    await ctx.status(`Function ${label} does not exist (account ${ctx.account.name}, region ${ctx.region}); nothing to delete`);
    return { functionName: name, ...(qualifier ? { version: qualifier } : {}), deleted: false };
  };
  const current = await getFunction(ctx, name, qualifier);
  if (!current?.Configuration) return gone();
  if (!qualifier) await deregisterAll(ctx, name, current.Configuration.FunctionArn!);
  try {
    await ctx.send(ctx.lambda, new DeleteFunctionCommand({ FunctionName: name, ...(qualifier ? { Qualifier: qualifier } : {}) }));
  } catch (err) {
    if ((err as Error).name === 'ResourceNotFoundException') return gone();
    throw err;
  }
  if (qualifier) await ctx.refresh(name);
  else ctx.evict(name);
  await ctx.status(`Finished deletion of AWS Lambda Function Operation...`);
  return { functionName: name, functionArn: current.Configuration!.FunctionArn, ...(qualifier ? { version: qualifier } : {}), deleted: true };
}
