import {
  CreateAliasCommand,
  DeleteAliasCommand,
  GetAliasCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  type AliasConfiguration,
  type PublishVersionCommandOutput,
} from '@aws-sdk/client-lambda';
import type { z } from 'zod';
import type { lambdaDescriptionSchemas } from '@outrigger/contract';
import { NotFoundError } from '@outrigger/runtime';
import { toCamel } from '../aws/toCamel.js';
import { waitUntilFunctionReady } from '../aws/waitUntilFunctionReady.js';
import { requireFunction } from './functionWrites.js';
import type { OperationContext } from './OperationContext.js';

type D<K extends keyof typeof lambdaDescriptionSchemas> = z.infer<(typeof lambdaDescriptionSchemas)[K]>;

/** publishLambdaFunctionVersion: waits for pending updates first, then passes `revisionId` as the optimistic lock. */
export async function publishLambdaFunctionVersion(ctx: OperationContext, d: D<'publishLambdaFunctionVersion'>, name: string) {
  await ctx.status(`Initializing Publishing of AWS Lambda Function Version Operation...`);
  await requireFunction(ctx, name);
  await waitUntilFunctionReady(ctx, name, { requireSuccess: false });
  const out = await ctx.send<PublishVersionCommandOutput>(
    ctx.lambda,
    new PublishVersionCommand({ FunctionName: name, ...(d.description ? { Description: d.description } : {}), ...(d.revisionId ? { RevisionId: d.revisionId } : {}) }),
  );
  await ctx.refresh(name);
  await ctx.status(`Published version ${out.Version} of ${name}`);
  return { ...(toCamel(out) as object), functionName: name, functionArn: out.FunctionArn, version: out.Version };
}

/** upsertLambdaFunctionAlias: reads the alias from AWS, then creates or updates it; no minor version clears routing. */
export async function upsertLambdaFunctionAlias(ctx: OperationContext, d: D<'upsertLambdaFunctionAlias'>, name: string) {
  await ctx.status(`Initializing Upserting of AWS Lambda Function Alias Operation...`);
  await requireFunction(ctx, name);
  let existing: AliasConfiguration | undefined;
  try {
    existing = await ctx.send<AliasConfiguration>(ctx.lambda, new GetAliasCommand({ FunctionName: name, Name: d.aliasName }));
  } catch (err) {
    if ((err as Error).name !== 'ResourceNotFoundException') throw err;
  }
  const weights =
    d.minorFunctionVersion && d.weightToMinorFunctionVersion != null && d.weightToMinorFunctionVersion > 0
      ? { [d.minorFunctionVersion]: d.weightToMinorFunctionVersion }
      : {};
  const input = {
    FunctionName: name,
    Name: d.aliasName,
    FunctionVersion: d.majorFunctionVersion ?? existing?.FunctionVersion ?? '$LATEST',
    ...(d.aliasDescription != null ? { Description: d.aliasDescription } : {}),
    RoutingConfig: { AdditionalVersionWeights: weights },
  };
  const out = await ctx.send<AliasConfiguration>(ctx.lambda, existing ? new UpdateAliasCommand(input) : new CreateAliasCommand(input));
  await ctx.refresh(name);
  await ctx.status(`${existing ? 'Updated' : 'Created'} alias ${d.aliasName} of ${name} → ${input.FunctionVersion}${Object.keys(weights).length ? ` (+${d.minorFunctionVersion} at ${d.weightToMinorFunctionVersion})` : ''}`);
  return { ...(toCamel(out) as object), functionName: name, aliasName: d.aliasName };
}

/** deleteLambdaFunctionAlias (outrigger addition): a missing alias fails with not found. */
export async function deleteLambdaFunctionAlias(ctx: OperationContext, d: D<'deleteLambdaFunctionAlias'>, name: string) {
  await ctx.status(`Initializing Deletion of AWS Lambda Function Alias Operation...`);
  try {
    await ctx.send(ctx.lambda, new GetAliasCommand({ FunctionName: name, Name: d.aliasName }));
  } catch (err) {
    if ((err as Error).name === 'ResourceNotFoundException') throw new NotFoundError(`No such alias found: ${name}:${d.aliasName}`);
    throw err;
  }
  await ctx.send(ctx.lambda, new DeleteAliasCommand({ FunctionName: name, Name: d.aliasName }));
  await ctx.refresh(name);
  await ctx.status(`Deleted alias ${d.aliasName} of ${name}`);
  return { functionName: name, aliasName: d.aliasName, deleted: true };
}
