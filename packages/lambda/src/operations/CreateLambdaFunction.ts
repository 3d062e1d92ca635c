import { CreateFunctionCommand, type CreateFunctionCommandOutput } from '@aws-sdk/client-lambda';
import type { z } from 'zod';
import type { lambdaDescriptionSchemas } from '@outrigger/contract';
import { ConflictError } from '@outrigger/runtime';
import { syncTargetGroups, targetGroupList } from '../aws/targetGroups.js';
import { resolveCode } from '../aws/resolveCode.js';
import { toCamel } from '../aws/toCamel.js';
import { waitUntilFunctionReady } from '../aws/waitUntilFunctionReady.js';
import { configDifferences, toFunctionConfiguration } from './functionSettings.js';
import { applyAsyncInvokeConfig, applyFunctionUrl } from './functionExtras.js';
import type { OperationContext } from './OperationContext.js';
import { CODE_SOURCE_TAG, tagsFor } from './functionTags.js';
import { getFunction } from '../aws/getFunction.js';

type D<K extends keyof typeof lambdaDescriptionSchemas> = z.infer<(typeof lambdaDescriptionSchemas)[K]>;

/**
 * createLambdaFunction: reads AWS first; an existing function whose every requested setting (configuration,
 * architectures, package type, code) matches is adopted, and then gets every step a fresh create applies (target
 * groups, function URL, async invoke config), so a retry or a resume after a partial failure finishes the job.
 */
export async function createLambdaFunction(ctx: OperationContext, d: D<'createLambdaFunction'>, name: string) {
  await ctx.status(`Initializing Creation of AWS Lambda Function Operation...`);
  const config = toFunctionConfiguration(d);
  const code = await resolveCode(ctx, d, '$.body');
  const existing = await getFunction(ctx, name);
  const extras = async (functionArn: string) => {
    const targetGroups = targetGroupList(d.targetGroups);
    if (targetGroups?.length) await syncTargetGroups(ctx, name, functionArn, targetGroups, '$.body.targetGroups');
    if (d.functionUrl) await applyFunctionUrl(ctx, name, d.functionUrl);
    if (d.asyncInvokeConfig) await applyAsyncInvokeConfig(ctx, name, d.asyncInvokeConfig);
  };
  if (existing?.Configuration) {
    const have = existing.Configuration;
    const diffs = configDifferences(config, have);
    if (d.architectures && JSON.stringify([...d.architectures].sort()) !== JSON.stringify([...(have.Architectures ?? ['x86_64'])].sort())) diffs.push('architectures');
    const wantPackage = d.packageType ?? (code?.code.ImageUri ? 'Image' : code ? 'Zip' : undefined);
    if (wantPackage && wantPackage !== (have.PackageType ?? 'Zip')) diffs.push('packageType');
    const codeSource = existing.Tags?.[CODE_SOURCE_TAG];
    const codeSame = code === undefined || codeSource === code.source || (code.code.ImageUri !== undefined && existing.Code?.ImageUri === code.code.ImageUri);
    if (!codeSame) diffs.push('code');
    if (diffs.length) {
      throw new ConflictError(
        `Function ${name} already exists with a different ${diffs.join(', ')}; use updateLambdaFunctionConfiguration / updateLambdaFunctionCode (or a Deploy stage, which updates existing functions)`,
      );
    }
    await ctx.status(`Function ${name} already exists with the requested code and configuration; adopting it`);
    await waitUntilFunctionReady(ctx, name, { requireSuccess: true });
    await extras(have.FunctionArn!);
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
  await extras(created.FunctionArn!);
  await ctx.refresh(name);
  await ctx.status(`Finished Creation of AWS Lambda Function Operation...`);
  return { ...(toCamel(created) as object), functionName: name, functionArn: created.FunctionArn, version: created.Version, state: 'Active', created: true };
}
