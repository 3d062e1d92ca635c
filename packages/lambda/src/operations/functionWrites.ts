import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  TagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type CreateFunctionCommandOutput,
  type GetFunctionCommandOutput,
  type UpdateFunctionCodeCommandOutput,
} from '@aws-sdk/client-lambda';
import type { z } from 'zod';
import type { lambdaDescriptionSchemas } from '@outrigger/contract';
import { ConflictError, NotFoundError } from '@outrigger/runtime';
import { deregisterAll, syncTargetGroups, targetGroupList } from '../aws/targetGroups.js';
import { resolveCode } from '../aws/resolveCode.js';
import { toCamel } from '../aws/toCamel.js';
import { waitUntilFunctionReady } from '../aws/waitUntilFunctionReady.js';
import { monikerTags } from '../naming.js';
import { configDifferences, toFunctionConfiguration } from './functionSettings.js';
import { applyAsyncInvokeConfig, applyFunctionUrl } from './functionExtras.js';
import type { OperationContext } from './OperationContext.js';

type D<K extends keyof typeof lambdaDescriptionSchemas> = z.infer<(typeof lambdaDescriptionSchemas)[K]>;
export const CODE_SOURCE_TAG = 'outrigger.io/code-source';

/** GetFunction from AWS; undefined when the function does not exist. */
export async function getFunction(ctx: OperationContext, name: string, qualifier?: string): Promise<GetFunctionCommandOutput | undefined> {
  try {
    return await ctx.send<GetFunctionCommandOutput>(ctx.lambda, new GetFunctionCommand({ FunctionName: name, ...(qualifier ? { Qualifier: qualifier } : {}) }));
  } catch (err) {
    if ((err as Error).name === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}

export async function requireFunction(ctx: OperationContext, name: string, qualifier?: string): Promise<GetFunctionCommandOutput> {
  const f = await getFunction(ctx, name, qualifier);
  if (!f?.Configuration) throw new NotFoundError(`No such lambda found: ${name}${qualifier ? `:${qualifier}` : ''} (account ${ctx.account.name}, region ${ctx.region})`);
  return f;
}

function tagsFor(ctx: OperationContext, d: { appName?: string | null; tags?: Record<string, string> | null }, name: string, codeSource?: string) {
  return {
    ...(ctx.config.setMonikerTags && d.appName ? monikerTags(d.appName, name) : {}),
    ...(d.tags ?? {}),
    ...(codeSource ? { [CODE_SOURCE_TAG]: codeSource.slice(0, 256) } : {}),
  };
}

/** createLambdaFunction: reads AWS first; an existing function with the requested code and configuration is adopted. */
export async function createLambdaFunction(ctx: OperationContext, d: D<'createLambdaFunction'>, name: string) {
  await ctx.status(`Initializing Creation of AWS Lambda Function Operation...`);
  const config = toFunctionConfiguration(d);
  const code = await resolveCode(ctx, d, '$.body');
  const existing = await getFunction(ctx, name);
  if (existing?.Configuration) {
    const have = existing.Configuration;
    const diffs = configDifferences(config, have);
    const codeSource = existing.Tags?.[CODE_SOURCE_TAG];
    const codeSame = code === undefined || codeSource === code.source || (code.code.ImageUri !== undefined && existing.Code?.ImageUri === code.code.ImageUri);
    if (!codeSame) diffs.push('code');
    if (diffs.length) {
      throw new ConflictError(
        `Function ${name} already exists with a different ${diffs.join(', ')}; use updateLambdaFunctionConfiguration / updateLambdaFunctionCode (or a Deploy stage, which updates existing functions)`,
      );
    }
    await ctx.status(`Function ${name} already exists with the requested code and configuration; adopting it`);
    await ctx.refresh(name);
    return { ...(toCamel(have) as object), functionName: name, functionArn: have.FunctionArn, version: have.Version, state: have.State, created: false, adopted: true };
  }
  const packageType = d.packageType ?? (code?.code.ImageUri ? 'Image' : 'Zip');
  const created = await ctx.send<CreateFunctionCommandOutput>(
    ctx.lambda,
    new CreateFunctionCommand({
      FunctionName: name,
      ...config,
      Role: config.Role!,
      PackageType: packageType,
      Code: code?.code ?? {},
      ...(d.architectures ? { Architectures: d.architectures } : {}),
      Publish: d.publish ?? false,
      Tags: tagsFor(ctx, d, name, code?.source),
    }),
  );
  await ctx.status(`Created ${name} (${packageType}); waiting for it to become Active`);
  await waitUntilFunctionReady(ctx, name, { requireSuccess: true });
  const targetGroups = targetGroupList(d.targetGroups);
  if (targetGroups?.length) await syncTargetGroups(ctx, name, created.FunctionArn!, targetGroups, '$.body.targetGroups');
  if (d.functionUrl) await applyFunctionUrl(ctx, name, d.functionUrl);
  if (d.asyncInvokeConfig) await applyAsyncInvokeConfig(ctx, name, d.asyncInvokeConfig);
  await ctx.refresh(name);
  await ctx.status(`Finished Creation of AWS Lambda Function Operation...`);
  return { ...(toCamel(created) as object), functionName: name, functionArn: created.FunctionArn, version: created.Version, state: 'Active', created: true };
}

/** updateLambdaFunctionConfiguration: waits for the function between steps; tags are merged, never wiped. */
export async function updateLambdaFunctionConfiguration(ctx: OperationContext, d: D<'updateLambdaFunctionConfiguration'>, name: string) {
  await ctx.status(`Initializing Updating of AWS Lambda Function Configuration Operation...`);
  const current = await requireFunction(ctx, name);
  await waitUntilFunctionReady(ctx, name, { requireSuccess: false });
  const config = toFunctionConfiguration(d);
  let result: object = current.Configuration!;
  if (Object.keys(config).length) {
    result = await ctx.send(ctx.lambda, new UpdateFunctionConfigurationCommand({ FunctionName: name, ...config }));
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

/** updateLambdaFunctionCode: S3, image or artifact code; waits before and after. */
export async function updateLambdaFunctionCode(ctx: OperationContext, d: D<'updateLambdaFunctionCode'>, name: string) {
  await ctx.status(`Initializing Updating of AWS Lambda Function Code Operation...`);
  const current = await requireFunction(ctx, name);
  const code = await resolveCode(ctx, d, '$.body');
  await waitUntilFunctionReady(ctx, name, { requireSuccess: false });
  const out = await ctx.send<UpdateFunctionCodeCommandOutput>(
    ctx.lambda,
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

/** deleteLambdaFunction: a missing function (or version) fails with not found instead of silently succeeding. */
export async function deleteLambdaFunction(ctx: OperationContext, d: D<'deleteLambdaFunction'>, name: string) {
  await ctx.status(`Initializing deletion of AWS Lambda Function Operation...`);
  const qualifier = d.qualifier && d.qualifier !== '$LATEST' ? d.qualifier : undefined;
  const current = await requireFunction(ctx, name, qualifier);
  if (!qualifier) await deregisterAll(ctx, name, current.Configuration!.FunctionArn!);
  try {
    await ctx.send(ctx.lambda, new DeleteFunctionCommand({ FunctionName: name, ...(qualifier ? { Qualifier: qualifier } : {}) }));
  } catch (err) {
    if ((err as Error).name === 'ResourceNotFoundException') throw new NotFoundError(`No such lambda found: ${name}${qualifier ? `:${qualifier}` : ''}`);
    throw err;
  }
  if (qualifier) await ctx.refresh(name);
  else ctx.evict(name);
  await ctx.status(`Finished deletion of AWS Lambda Function Operation...`);
  return { functionName: name, functionArn: current.Configuration!.FunctionArn, ...(qualifier ? { version: qualifier } : {}), deleted: true };
}
