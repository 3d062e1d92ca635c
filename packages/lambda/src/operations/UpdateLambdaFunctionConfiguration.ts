import { TagResourceCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import type { z } from 'zod';
import type { lambdaDescriptionSchemas } from '@outrigger/contract';
import { syncTargetGroups, targetGroupList } from '../aws/targetGroups.js';
import { toCamel } from '../aws/toCamel.js';
import { sendWhenReady, waitUntilFunctionReady } from '../aws/waitUntilFunctionReady.js';
import { toFunctionConfiguration } from './functionSettings.js';
import { applyAsyncInvokeConfig, applyFunctionUrl } from './functionExtras.js';
import type { OperationContext } from './OperationContext.js';
import { tagsFor } from './functionTags.js';
import { requireFunction } from '../aws/getFunction.js';

type D<K extends keyof typeof lambdaDescriptionSchemas> = z.infer<(typeof lambdaDescriptionSchemas)[K]>;

/** updateLambdaFunctionConfiguration: waits for the function between steps; tags are merged, never wiped. */
export async function updateLambdaFunctionConfiguration(ctx: OperationContext, d: D<'updateLambdaFunctionConfiguration'>, name: string) {
  await ctx.status(`Initializing Updating of AWS Lambda Function Configuration Operation...`);
  const current = await requireFunction(ctx, name);
  await waitUntilFunctionReady(ctx, name, { requireSuccess: false });
  const config = toFunctionConfiguration(d);
  let result: object = current.Configuration!;
  if (Object.keys(config).length) {
    result = await sendWhenReady<object>(ctx, name, new UpdateFunctionConfigurationCommand({ FunctionName: name, ...config }));
    await ctx.status(`Updated configuration of ${name}; waiting for the update to finish`);
    await waitUntilFunctionReady(ctx, name, { requireSuccess: true });
  }
  const tags = tagsFor(ctx, d, name);
  if (Object.keys(tags).length) await ctx.send(ctx.lambda, new TagResourceCommand({ Resource: current.Configuration!.FunctionArn!, Tags: tags }));
  const targetGroups = targetGroupList(d.targetGroups);
  if (targetGroups !== undefined) await syncTargetGroups(ctx, name, current.Configuration!.FunctionArn!, targetGroups, '$.body.targetGroups');
  if (d.functionUrl) await applyFunctionUrl(ctx, name, d.functionUrl);
  if (d.asyncInvokeConfig) await applyAsyncInvokeConfig(ctx, name, d.asyncInvokeConfig);
  await ctx.refresh(name);
  await ctx.status(`Finished Updating of AWS Lambda Function Configuration Operation...`);
  const c = toCamel(result) as Record<string, unknown>;
  return { ...c, functionName: name, functionArn: current.Configuration!.FunctionArn, version: '$LATEST', state: 'Active' };
}
