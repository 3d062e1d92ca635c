import { ListEventSourceMappingsCommand, type EventSourceMappingConfiguration, type ListEventSourceMappingsCommandOutput } from '@aws-sdk/client-lambda';
import type { OperationContext } from '../operations/OperationContext.js';

/** Orca sends -1 for "not set". */
export const unsetIfNegative = (v: number | null | undefined) => (v === null || v === undefined || v < 0 ? undefined : v);
/** Stream sources (Kinesis, DynamoDB, MSK) take a starting position and the stream-only settings. */
export const isStreamSource = (arn: string) => /^arn:aws[a-z-]*:(kinesis|dynamodb|kafka):/.test(arn);

/** The mapping of `eventSourceArn` (or `uuid`) on `target` (function ARN, optionally qualified), read from AWS. */
export async function findEventSourceMapping(
  ctx: OperationContext,
  target: string,
  d: { eventSourceArn: string; uuid?: string | null | undefined },
): Promise<EventSourceMappingConfiguration | undefined> {
  let marker: string | undefined;
  do {
    const page: ListEventSourceMappingsCommandOutput = await ctx.send<ListEventSourceMappingsCommandOutput>(
      ctx.lambda,
      new ListEventSourceMappingsCommand({ FunctionName: target, EventSourceArn: d.eventSourceArn, ...(marker ? { Marker: marker } : {}) }),
    );
    const hit = (page.EventSourceMappings ?? []).find((m) => (d.uuid ? m.UUID === d.uuid : m.EventSourceArn === d.eventSourceArn));
    if (hit) return hit;
    marker = page.NextMarker;
  } while (marker);
  return undefined;
}

/**
 * The mapping to delete for a function: by `uuid` when given (it must belong to the function), else the mapping of
 * `eventSourceArn` on the function itself or, failing that, on any of its aliases and versions (`qualifier` narrows it
 * to one). Lists by event source, so mappings on every qualifier are seen in one pass.
 */
export async function findMappingOfFunction(
  ctx: OperationContext,
  functionArn: string,
  d: { eventSourceArn: string; uuid?: string | null | undefined; qualifier?: string | null | undefined },
): Promise<EventSourceMappingConfiguration | undefined> {
  const ofFunction = (m: EventSourceMappingConfiguration) => {
    const arn = m.FunctionArn ?? '';
    if (d.qualifier) return arn === `${functionArn}:${d.qualifier}`;
    return arn === functionArn || arn.startsWith(`${functionArn}:`);
  };
  const all: EventSourceMappingConfiguration[] = [];
  let marker: string | undefined;
  do {
    const page: ListEventSourceMappingsCommandOutput = await ctx.send<ListEventSourceMappingsCommandOutput>(
      ctx.lambda,
      new ListEventSourceMappingsCommand({ EventSourceArn: d.eventSourceArn, ...(marker ? { Marker: marker } : {}) }),
    );
    all.push(...(page.EventSourceMappings ?? []).filter(ofFunction));
    marker = page.NextMarker;
  } while (marker);
  if (d.uuid) return all.find((m) => m.UUID === d.uuid);
  return all.find((m) => m.FunctionArn === functionArn) ?? all[0];
}
