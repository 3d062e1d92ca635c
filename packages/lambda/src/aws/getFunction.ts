import { GetFunctionCommand, type GetFunctionCommandOutput } from '@aws-sdk/client-lambda';
import { NotFoundError } from '@outrigger/runtime';
import type { OperationContext } from '../operations/OperationContext.js';

/** GetFunction from AWS; undefined when the function does not exist. */
export async function getFunction(ctx: OperationContext, name: string, qualifier?: string): Promise<GetFunctionCommandOutput | undefined> {
  try {
    return await ctx.send<GetFunctionCommandOutput>(ctx.lambda, new GetFunctionCommand({ FunctionName: name, ...(qualifier ? { Qualifier: qualifier } : {}) }));
  } catch (err) {
    if ((err as Error).name === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}

export async function requireFunction(ctx: OperationContext, name: string, qualifier?: string): Promise<GetFunctionCommandOutput> {
  const f = await getFunction(ctx, name, qualifier);
  if (!f?.Configuration) throw new NotFoundError(`No such lambda found: ${name}${qualifier ? `:${qualifier}` : ''} (account ${ctx.account.name}, region ${ctx.region})`);
  return f;
}
