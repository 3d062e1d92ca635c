import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
  type EventSourceMappingConfiguration,
  type ListEventSourceMappingsCommandOutput,
} from '@aws-sdk/client-lambda';
import type { z } from 'zod';
import type { lambdaDescriptionSchemas } from '@outrigger/contract';
import { toCamel } from '../aws/toCamel.js';
import { requireFunction } from './functionWrites.js';
import type { OperationContext } from './OperationContext.js';

type D = z.infer<(typeof lambdaDescriptionSchemas)['upsertLambdaFunctionEventMapping']>;
const opt = (v: number | null | undefined) => (v === null || v === undefined || v < 0 ? undefined : v);
const isStream = (arn: string) => /^arn:aws[a-z-]*:(kinesis|dynamodb|kafka):/.test(arn);

async function findMapping(ctx: OperationContext, target: string, d: D): Promise<EventSourceMappingConfiguration | undefined> {
  let marker: string | undefined;
  do {
    const page = await ctx.send<ListEventSourceMappingsCommandOutput>(
      ctx.lambda,
      new ListEventSourceMappingsCommand({ FunctionName: target, EventSourceArn: d.eventSourceArn, ...(marker ? { Marker: marker } : {}) }),
    );
    const hit = (page.EventSourceMappings ?? []).find((m) => (d.uuid ? m.UUID === d.uuid : m.EventSourceArn === d.eventSourceArn));
    if (hit) return hit;
    marker = page.NextMarker;
  } while (marker);
  return undefined;
}

/** upsertLambdaFunctionEventMapping: the mapping of `eventSourceArn` on `function[:qualifier]`, read from AWS. */
export async function upsertLambdaFunctionEventMapping(ctx: OperationContext, d: D, name: string) {
  await ctx.status(`Initializing Creation of AWS Lambda Function Event Source Mapping...`);
  const f = await requireFunction(ctx, name);
  const target = `${f.Configuration!.FunctionArn!.replace(/:(\$LATEST|\d+)$/, '')}${d.qualifier ? `:${d.qualifier}` : ''}`;
  const stream = isStream(d.eventSourceArn);
  const dest = d.destinationConfig?.onFailure?.destination;
  const common = {
    BatchSize: d.batchsize ?? 1,
    Enabled: d.enabled ?? false,
    ...(opt(d.maxBatchingWindowSecs) !== undefined ? { MaximumBatchingWindowInSeconds: opt(d.maxBatchingWindowSecs) } : {}),
    ...(stream
      ? {
          ...(d.bisectBatchOnError != null ? { BisectBatchOnFunctionError: d.bisectBatchOnError } : {}),
          ...(opt(d.maxRecordAgeSecs) !== undefined ? { MaximumRecordAgeInSeconds: opt(d.maxRecordAgeSecs) } : {}),
          ...(opt(d.maxRetryAttempts) !== undefined ? { MaximumRetryAttempts: opt(d.maxRetryAttempts) } : {}),
          ...(opt(d.parallelizationFactor) !== undefined ? { ParallelizationFactor: opt(d.parallelizationFactor) } : {}),
          ...(opt(d.tumblingWindowSecs) !== undefined ? { TumblingWindowInSeconds: opt(d.tumblingWindowSecs) } : {}),
          ...(dest ? { DestinationConfig: { OnFailure: { Destination: dest } } } : {}),
        }
      : {}),
  };
  const existing = await findMapping(ctx, target, d);
  const out = existing
    ? await ctx.send<EventSourceMappingConfiguration>(ctx.lambda, new UpdateEventSourceMappingCommand({ UUID: existing.UUID!, FunctionName: target, ...common }))
    : await ctx.send<EventSourceMappingConfiguration>(
        ctx.lambda,
        new CreateEventSourceMappingCommand({
          FunctionName: target,
          EventSourceArn: d.eventSourceArn,
          ...common,
          ...(stream ? { StartingPosition: d.startingPosition ?? 'LATEST' } : {}),
        }),
      );
  await ctx.refresh(name);
  await ctx.status(`${existing ? 'Updated' : 'Created'} event source mapping ${out.UUID} (${d.eventSourceArn} → ${target})`);
  return { ...(toCamel(out) as object), functionName: name, eventSourceArn: d.eventSourceArn, uuid: out.UUID, state: out.State };
}

/** deleteLambdaFunctionEventMapping: a mapping that no longer exists is reported, not an error (as clouddriver). */
export async function deleteLambdaFunctionEventMapping(ctx: OperationContext, d: D, name: string) {
  await ctx.status(`Initializing Deletion of AWS Lambda Function Event Source Mapping...`);
  const f = await requireFunction(ctx, name);
  const target = `${f.Configuration!.FunctionArn!.replace(/:(\$LATEST|\d+)$/, '')}${d.qualifier ? `:${d.qualifier}` : ''}`;
  const existing = await findMapping(ctx, target, d);
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
