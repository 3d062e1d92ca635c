import { CreateEventSourceMappingCommand, UpdateEventSourceMappingCommand, type EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';
import type { z } from 'zod';
import type { lambdaDescriptionSchemas } from '@outrigger/contract';
import { toCamel } from '../aws/toCamel.js';
import type { OperationContext } from './OperationContext.js';
import { requireFunction } from '../aws/getFunction.js';
import { findEventSourceMapping, isStreamSource, unsetIfNegative } from '../aws/findEventSourceMapping.js';

type D = z.infer<(typeof lambdaDescriptionSchemas)['upsertLambdaFunctionEventMapping']>;

/** upsertLambdaFunctionEventMapping: the mapping of `eventSourceArn` on `function[:qualifier]`, read from AWS. */
export async function upsertLambdaFunctionEventMapping(ctx: OperationContext, d: D, name: string) {
  await ctx.status(`Initializing Creation of AWS Lambda Function Event Source Mapping...`);
  const f = await requireFunction(ctx, name);
  const target = `${f.Configuration!.FunctionArn!.replace(/:(\$LATEST|\d+)$/, '')}${d.qualifier ? `:${d.qualifier}` : ''}`;
  const stream = isStreamSource(d.eventSourceArn);
  const dest = d.destinationConfig?.onFailure?.destination;
  // Only what the request names: an update keeps every setting it does not name. A create fills clouddriver's defaults.
  const common = {
    ...(d.batchsize != null ? { BatchSize: d.batchsize } : {}),
    ...(d.enabled != null ? { Enabled: d.enabled } : {}),
    ...(unsetIfNegative(d.maxBatchingWindowSecs) !== undefined ? { MaximumBatchingWindowInSeconds: unsetIfNegative(d.maxBatchingWindowSecs) } : {}),
    ...(stream
      ? {
          ...(d.bisectBatchOnError != null ? { BisectBatchOnFunctionError: d.bisectBatchOnError } : {}),
          ...(unsetIfNegative(d.maxRecordAgeSecs) !== undefined ? { MaximumRecordAgeInSeconds: unsetIfNegative(d.maxRecordAgeSecs) } : {}),
          ...(unsetIfNegative(d.maxRetryAttempts) !== undefined ? { MaximumRetryAttempts: unsetIfNegative(d.maxRetryAttempts) } : {}),
          ...(unsetIfNegative(d.parallelizationFactor) !== undefined ? { ParallelizationFactor: unsetIfNegative(d.parallelizationFactor) } : {}),
          ...(unsetIfNegative(d.tumblingWindowSecs) !== undefined ? { TumblingWindowInSeconds: unsetIfNegative(d.tumblingWindowSecs) } : {}),
          ...(dest ? { DestinationConfig: { OnFailure: { Destination: dest } } } : {}),
        }
      : {}),
  };
  const existing = await findEventSourceMapping(ctx, target, d);
  const out = existing
    ? await ctx.send<EventSourceMappingConfiguration>(ctx.lambda, new UpdateEventSourceMappingCommand({ UUID: existing.UUID!, FunctionName: target, ...common }))
    : await ctx.send<EventSourceMappingConfiguration>(
        ctx.lambda,
        new CreateEventSourceMappingCommand({
          FunctionName: target,
          EventSourceArn: d.eventSourceArn,
          BatchSize: d.batchsize ?? 1,
          Enabled: d.enabled ?? false,
          ...common,
          ...(stream ? { StartingPosition: d.startingPosition ?? 'LATEST' } : {}),
        }),
      );
  await ctx.refresh(name);
  await ctx.status(`${existing ? 'Updated' : 'Created'} event source mapping ${out.UUID} (${d.eventSourceArn} → ${target})`);
  return { ...(toCamel(out) as object), functionName: name, eventSourceArn: d.eventSourceArn, uuid: out.UUID, state: out.State };
}
