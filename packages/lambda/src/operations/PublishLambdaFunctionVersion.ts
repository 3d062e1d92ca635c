import { PublishVersionCommand, type PublishVersionCommandOutput } from '@aws-sdk/client-lambda';
import type { z } from 'zod';
import type { lambdaDescriptionSchemas } from '@outrigger/contract';
import { toCamel } from '../aws/toCamel.js';
import { sendWhenReady, waitUntilFunctionReady } from '../aws/waitUntilFunctionReady.js';
import type { OperationContext } from './OperationContext.js';
import { requireFunction } from '../aws/getFunction.js';

type D<K extends keyof typeof lambdaDescriptionSchemas> = z.infer<(typeof lambdaDescriptionSchemas)[K]>;

/** publishLambdaFunctionVersion: waits for pending updates first, then passes `revisionId` as the optimistic lock. */
export async function publishLambdaFunctionVersion(ctx: OperationContext, d: D<'publishLambdaFunctionVersion'>, name: string) {
  await ctx.status(`Initializing Publishing of AWS Lambda Function Version Operation...`);
  await requireFunction(ctx, name);
  await waitUntilFunctionReady(ctx, name, { requireSuccess: false });
  const out = await sendWhenReady<PublishVersionCommandOutput>(
    ctx,
    name,
    new PublishVersionCommand({ FunctionName: name, ...(d.description ? { Description: d.description } : {}), ...(d.revisionId ? { RevisionId: d.revisionId } : {}) }),
  );
  await ctx.refresh(name);
  await ctx.status(`Published version ${out.Version} of ${name}`);
  return { ...(toCamel(out) as object), functionName: name, functionArn: out.FunctionArn, version: out.Version };
}
