import { DeleteEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import type { z } from 'zod';
import type { lambdaDescriptionSchemas } from '@outrigger/contract';
import type { OperationContext } from './OperationContext.js';
import { requireFunction } from '../aws/getFunction.js';
import { findMappingOfFunction } from '../aws/findEventSourceMapping.js';

type D = z.infer<(typeof lambdaDescriptionSchemas)['upsertLambdaFunctionEventMapping']>;

/**
 * deleteLambdaFunctionEventMapping. Orca's delete (LambdaUpdateEventConfigurationTask.deleteEvent) carries the
 * mapping's `uuid` and `eventSourceArn` but no qualifier, so the mapping is found by `uuid`, else by `eventSourceArn`
 * on the function or any of its aliases and versions, as clouddriver's DeleteLambdaEventSourceAtomicOperation matches
 * `eventSourceArn` over every mapping its cache holds for the function. A `qualifier`, when given, narrows the
 * search to that alias or version. A mapping that no longer exists is reported, not an error (as clouddriver).
 */
export async function deleteLambdaFunctionEventMapping(ctx: OperationContext, d: D, name: string) {
  await ctx.status(`Initializing Deletion of AWS Lambda Function Event Source Mapping...`);
  const f = await requireFunction(ctx, name);
  const base = f.Configuration!.FunctionArn!.replace(/:(\$LATEST|\d+)$/, '');
  const target = `${base}${d.qualifier ? `:${d.qualifier}` : ''}`;
  const existing = await findMappingOfFunction(ctx, base, d);
  if (!existing) {
    await ctx.status(`No event source mapping of ${d.eventSourceArn} on ${target}; nothing to delete`);
    return { functionName: name, eventSourceArn: d.eventSourceArn, deleted: false };
  }
  try {
    await ctx.send(ctx.lambda, new DeleteEventSourceMappingCommand({ UUID: existing.UUID! }));
  } catch (err) {
    if ((err as Error).name !== 'ResourceNotFoundException') throw err;
  }
  await ctx.refresh(name);
  await ctx.status(`Deleted event source mapping ${existing.UUID}`);
  return { functionName: name, eventSourceArn: d.eventSourceArn, uuid: existing.UUID, deleted: true };
}
