import { GetProvisionedConcurrencyConfigCommand, PutProvisionedConcurrencyConfigCommand, type GetProvisionedConcurrencyConfigCommandOutput } from '@aws-sdk/client-lambda';
import type { z } from 'zod';
import type { lambdaDescriptionSchemas } from '@outrigger/contract';
import { waitUntil } from '@outrigger/runtime';
import type { OperationContext } from './OperationContext.js';
import { requireFunction } from '../aws/getFunction.js';

type D<K extends keyof typeof lambdaDescriptionSchemas> = z.infer<(typeof lambdaDescriptionSchemas)[K]>;

/** putLambdaProvisionedConcurrency: unlike clouddriver, waits until the allocation is READY (FAILED fails the task). */
export async function putLambdaProvisionedConcurrency(ctx: OperationContext, d: D<'putLambdaProvisionedConcurrency'>, name: string) {
  await ctx.status(`Initializing Updating of AWS Lambda Function Provisioned Concurrency Operation...`);
  await requireFunction(ctx, name);
  await ctx.send(
    ctx.lambda,
    new PutProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: d.qualifier, ProvisionedConcurrentExecutions: d.provisionedConcurrentExecutions }),
  );
  await ctx.status(`Requested ${d.provisionedConcurrentExecutions} provisioned executions on ${name}:${d.qualifier}; waiting for READY`);
  const ready = await waitUntil(
    `provisioned concurrency of ${name}:${d.qualifier} to become READY`,
    async () => {
      const c = await ctx.send<GetProvisionedConcurrencyConfigCommandOutput>(ctx.lambda, new GetProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: d.qualifier }));
      if (c.Status === 'READY') return { state: 'SUCCESS', value: c };
      if (c.Status === 'FAILED') return { state: 'FAILURE', reason: c.StatusReason ?? 'FAILED' };
      return { state: 'RETRY', reason: c.Status ?? 'unknown' };
    },
    { minDelayMs: 2_000, maxDelayMs: 15_000, maxWaitMs: ctx.config.stabilizeTimeoutSeconds * 1000, sleep: (ms) => ctx.sleep(ms), now: () => ctx.now() },
  );
  await ctx.refresh(name);
  await ctx.status(`Finished Updating of AWS Lambda Function Provisioned Concurrency Operation...`);
  return { functionName: name, qualifier: d.qualifier, provisionedConcurrentExecutions: d.provisionedConcurrentExecutions, status: ready.Status };
}
