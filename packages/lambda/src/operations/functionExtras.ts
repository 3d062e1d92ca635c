import {
  CreateFunctionUrlConfigCommand,
  DeleteFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand,
  PutFunctionEventInvokeConfigCommand,
  UpdateFunctionUrlConfigCommand,
  type Cors,
} from '@aws-sdk/client-lambda';
import type { z } from 'zod';
import type { AsyncInvokeConfigSchema, FunctionUrlConfigSchema } from '@outrigger/contract';
import type { OperationContext } from './OperationContext.js';

type Url = NonNullable<z.infer<typeof FunctionUrlConfigSchema>>;
type AsyncCfg = NonNullable<z.infer<typeof AsyncInvokeConfigSchema>>;

/** Creates, updates or (with `enabled: false`) deletes the function URL. */
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
  const input = {
    FunctionName: name,
    AuthType: url.authType ?? 'AWS_IAM',
    ...(url.invokeMode ? { InvokeMode: url.invokeMode } : {}),
    ...(cors ? { Cors: cors } : {}),
  };
  await ctx.send(ctx.lambda, exists ? new UpdateFunctionUrlConfigCommand(input) : new CreateFunctionUrlConfigCommand(input));
  await ctx.status(`${exists ? 'Updated' : 'Created'} the function URL of ${name} (auth ${input.AuthType})`);
}

/** PutFunctionEventInvokeConfig: retries and destinations of asynchronous invocations. */
export async function applyAsyncInvokeConfig(ctx: OperationContext, name: string, cfg: AsyncCfg): Promise<void> {
  const dest = cfg.destinationConfig;
  await ctx.send(
    ctx.lambda,
    new PutFunctionEventInvokeConfigCommand({
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
  await ctx.status(`Set the asynchronous invocation config of ${name}`);
}
