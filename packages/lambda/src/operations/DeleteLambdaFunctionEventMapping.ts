import { DeleteEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import type { z } from 'zod';
import type { lambdaDescriptionSchemas } from '@outrigger/contract';
import type { OperationContext } from './OperationContext.js';
import { requireFunction } from '../aws/getFunction.js';
import { findEventSourceMapping } from '../aws/findEventSourceMapping.js';

type D = z.infer<(typeof lambdaDescriptionSchemas)['upsertLambdaFunctionEventMapping']>;

/** deleteLambdaFunctionEventMapping: a mapping that no longer exists is reported, not an error (as clouddriver). */
export async function deleteLambdaFunctionEventMapping(ctx: OperationContext, d: D, name: string) {
  await ctx.status(`Initializing Deletion of AWS Lambda Function Event Source Mapping...`);
  const f = await requireFunction(ctx, name);
  const target = `${f.Configuration!.FunctionArn!.replace(/:(\$LATEST|\d+)$/, '')}${d.qualifier ? `:${d.qualifier}` : ''}`;
  const existing = await findEventSourceMapping(ctx, target, d);
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
