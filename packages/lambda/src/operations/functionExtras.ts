import {
  CreateFunctionUrlConfigCommand,
  DeleteFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand,
  GetFunctionEventInvokeConfigCommand,
  PutFunctionEventInvokeConfigCommand,
  UpdateFunctionEventInvokeConfigCommand,
  UpdateFunctionUrlConfigCommand,
  type Cors,
} from '@aws-sdk/client-lambda';
import type { z } from 'zod';
import type { AsyncInvokeConfigSchema, FunctionUrlConfigSchema } from '@outrigger/contract';
import type { OperationContext } from './OperationContext.js';

type Url = NonNullable<z.infer<typeof FunctionUrlConfigSchema>>;
type AsyncCfg = NonNullable<z.infer<typeof AsyncInvokeConfigSchema>>;

/**
 * Creates, updates or (with `enabled: false`) deletes the function URL. An update names only the fields the request
 * sets (UpdateFunctionUrlConfig keeps the rest), so `{cors: …}` alone never switches `AuthType`; a create needs
 * `AuthType` and defaults it to `AWS_IAM`.
 */
export async function applyFunctionUrl(ctx: OperationContext, name: string, url: Url): Promise<void> {
  let exists = true;
  try {
    await ctx.send(ctx.lambda, new GetFunctionUrlConfigCommand({ FunctionName: name }));
  } catch (err) {
    if ((err as Error).name !== 'ResourceNotFoundException') throw err;
    exists = false;
  }
  if (url.enabled === false) {
    if (exists) {
      await ctx.send(ctx.lambda, new DeleteFunctionUrlConfigCommand({ FunctionName: name }));
      await ctx.status(`Deleted the function URL of ${name}`);
    }
    return;
  }
  const c = url.cors;
  const cors: Cors | undefined = c
    ? {
        ...(c.allowCredentials != null ? { AllowCredentials: c.allowCredentials } : {}),
        ...(c.allowHeaders ? { AllowHeaders: c.allowHeaders } : {}),
        ...(c.allowMethods ? { AllowMethods: c.allowMethods } : {}),
        ...(c.allowOrigins ? { AllowOrigins: c.allowOrigins } : {}),
        ...(c.exposeHeaders ? { ExposeHeaders: c.exposeHeaders } : {}),
        ...(c.maxAge != null ? { MaxAge: c.maxAge } : {}),
      }
    : undefined;
  const named = {
    FunctionName: name,
    ...(url.authType ? { AuthType: url.authType } : {}),
    ...(url.invokeMode ? { InvokeMode: url.invokeMode } : {}),
    ...(cors ? { Cors: cors } : {}),
  };
  if (exists) {
    const out = await ctx.send<{ AuthType?: string }>(ctx.lambda, new UpdateFunctionUrlConfigCommand(named));
    await ctx.status(`Updated the function URL of ${name} (auth ${out?.AuthType ?? url.authType ?? 'unchanged'})`);
  } else {
    const input = { AuthType: 'AWS_IAM' as const, ...named };
    await ctx.send(ctx.lambda, new CreateFunctionUrlConfigCommand(input));
    await ctx.status(`Created the function URL of ${name} (auth ${input.AuthType})`);
  }
}

/**
 * Retries and destinations of asynchronous invocations. A function without a config gets one with
 * PutFunctionEventInvokeConfig; an existing config is changed with UpdateFunctionEventInvokeConfig, which keeps every
 * setting the request does not name (Put would clear them).
 */
export async function applyAsyncInvokeConfig(ctx: OperationContext, name: string, cfg: AsyncCfg): Promise<void> {
  const dest = cfg.destinationConfig;
  let exists = true;
  try {
    await ctx.send(ctx.lambda, new GetFunctionEventInvokeConfigCommand({ FunctionName: name }));
  } catch (err) {
    if ((err as Error).name !== 'ResourceNotFoundException') throw err;
    exists = false;
  }
  const Command = exists ? UpdateFunctionEventInvokeConfigCommand : PutFunctionEventInvokeConfigCommand;
  await ctx.send(
    ctx.lambda,
    new Command({
      FunctionName: name,
      ...(cfg.maximumRetryAttempts != null ? { MaximumRetryAttempts: cfg.maximumRetryAttempts } : {}),
      ...(cfg.maximumEventAgeInSeconds != null ? { MaximumEventAgeInSeconds: cfg.maximumEventAgeInSeconds } : {}),
      ...(dest
        ? {
            DestinationConfig: {
              ...(dest.onSuccess?.destination ? { OnSuccess: { Destination: dest.onSuccess.destination } } : {}),
              ...(dest.onFailure?.destination ? { OnFailure: { Destination: dest.onFailure.destination } } : {}),
            },
          }
        : {}),
    }),
  );
  await ctx.status(`${exists ? 'Updated' : 'Set'} the asynchronous invocation config of ${name}`);
}
