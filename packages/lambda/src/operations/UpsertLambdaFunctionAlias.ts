import { CreateAliasCommand, GetAliasCommand, UpdateAliasCommand, type AliasConfiguration } from '@aws-sdk/client-lambda';
import type { z } from 'zod';
import type { lambdaDescriptionSchemas } from '@outrigger/contract';
import { toCamel } from '../aws/toCamel.js';
import type { OperationContext } from './OperationContext.js';
import { requireFunction } from '../aws/getFunction.js';

type D<K extends keyof typeof lambdaDescriptionSchemas> = z.infer<(typeof lambdaDescriptionSchemas)[K]>;

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
