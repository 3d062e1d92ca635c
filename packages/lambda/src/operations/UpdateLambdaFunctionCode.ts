import { TagResourceCommand, UpdateFunctionCodeCommand, type UpdateFunctionCodeCommandOutput } from '@aws-sdk/client-lambda';
import type { z } from 'zod';
import type { lambdaDescriptionSchemas } from '@outrigger/contract';
import { resolveCode } from '../aws/resolveCode.js';
import { toCamel } from '../aws/toCamel.js';
import { sendWhenReady, waitUntilFunctionReady } from '../aws/waitUntilFunctionReady.js';
import type { OperationContext } from './OperationContext.js';
import { CODE_SOURCE_TAG } from './functionTags.js';
import { requireFunction } from '../aws/getFunction.js';

type D<K extends keyof typeof lambdaDescriptionSchemas> = z.infer<(typeof lambdaDescriptionSchemas)[K]>;

/** updateLambdaFunctionCode: S3, image or artifact code; waits before and after. */
export async function updateLambdaFunctionCode(ctx: OperationContext, d: D<'updateLambdaFunctionCode'>, name: string) {
  await ctx.status(`Initializing Updating of AWS Lambda Function Code Operation...`);
  const current = await requireFunction(ctx, name);
  const code = await resolveCode(ctx, d, '$.body');
  await waitUntilFunctionReady(ctx, name, { requireSuccess: false });
  const out = await sendWhenReady<UpdateFunctionCodeCommandOutput>(
    ctx,
    name,
    new UpdateFunctionCodeCommand({
      FunctionName: name,
      ...(code!.code.S3Bucket ? { S3Bucket: code!.code.S3Bucket, S3Key: code!.code.S3Key, ...(code!.code.S3ObjectVersion ? { S3ObjectVersion: code!.code.S3ObjectVersion } : {}) } : {}),
      ...(code!.code.ZipFile ? { ZipFile: code!.code.ZipFile } : {}),
      ...(code!.code.ImageUri ? { ImageUri: code!.code.ImageUri } : {}),
      ...(d.architectures ? { Architectures: d.architectures } : {}),
      Publish: d.publish ?? false,
    }),
  );
  await ctx.status(`Updated code of ${name}; waiting for the update to finish`);
  await waitUntilFunctionReady(ctx, name, { requireSuccess: true });
  await ctx.send(ctx.lambda, new TagResourceCommand({ Resource: current.Configuration!.FunctionArn!, Tags: { [CODE_SOURCE_TAG]: code!.source.slice(0, 256) } }));
  await ctx.refresh(name);
  await ctx.status(`Finished Updating of AWS Lambda Function Code Operation...`);
  return { ...(toCamel(out) as object), functionName: name, functionArn: out.FunctionArn, version: out.Version, state: 'Active' };
}
