import { InvokeCommand, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import type { z } from 'zod';
import type { lambdaDescriptionSchemas } from '@outrigger/contract';
import { UpstreamError } from '@outrigger/runtime';
import { readS3Object } from '../aws/resolveCode.js';
import type { OperationContext } from './OperationContext.js';

type D = z.infer<(typeof lambdaDescriptionSchemas)['invokeLambdaFunction']>;
const MAX_PAYLOAD = 6 * 1024 * 1024;

async function payloadOf(ctx: OperationContext, d: D): Promise<Buffer | undefined> {
  const a = d.payloadArtifact;
  if (a) {
    const ref = a.reference ?? '';
    if (a.type === 's3/object') return readS3Object(ctx, ref, MAX_PAYLOAD);
    return ctx.fetchArtifact(a, MAX_PAYLOAD);
  }
  return d.payload != null ? Buffer.from(d.payload, 'utf8') : undefined;
}

/**
 * invokeLambdaFunction: RequestResponse (clouddriver's only mode) or Event, payload inline or from an artifact. The
 * result object keeps clouddriver's `invokeResult`/`responseString` and adds the decoded log tail.
 */
export async function invokeLambdaFunction(ctx: OperationContext, d: D, name: string) {
  await ctx.status(`Initializing Invoking AWS Lambda Function Operation...`);
  const payload = await payloadOf(ctx, d);
  const type = d.invocationType ?? 'RequestResponse';
  const timeoutMs = d.timeout != null && d.timeout > 0 ? d.timeout * 1000 : ctx.config.invokeTimeoutMs;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  let out: InvokeCommandOutput;
  try {
    out = await ctx.send<InvokeCommandOutput>(
      ctx.lambda,
      new InvokeCommand({
        FunctionName: name,
        Qualifier: d.qualifier ?? '$LATEST',
        InvocationType: type,
        ...(type === 'RequestResponse' ? { LogType: 'Tail' } : {}),
        ...(payload ? { Payload: payload } : {}),
      }),
      abort.signal,
    );
  } catch (err) {
    if (abort.signal.aborted) throw new UpstreamError('lambda', `Lambda Invocation did not finish on time (${timeoutMs} ms)`);
    throw err;
  } finally {
    clearTimeout(timer);
  }
  const responseString = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
  const logs = out.LogResult ? Buffer.from(out.LogResult, 'base64').toString('utf8') : undefined;
  await ctx.status(`Invoked ${name} (${type}): status ${out.StatusCode}${out.FunctionError ? `, function error ${out.FunctionError}` : ''}`);
  await ctx.status(`Finished Invoking of AWS Lambda Function Operation...`);
  return {
    functionName: name,
    invocationType: type,
    invokeResult: {
      statusCode: out.StatusCode,
      ...(out.FunctionError ? { functionError: out.FunctionError } : {}),
      ...(out.LogResult ? { logResult: out.LogResult } : {}),
      ...(out.ExecutedVersion ? { executedVersion: out.ExecutedVersion } : {}),
      payload: responseString,
    },
    responseString,
    ...(logs !== undefined ? { logs } : {}),
  };
}
