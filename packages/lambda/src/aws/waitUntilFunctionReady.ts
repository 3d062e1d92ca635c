import { GetFunctionConfigurationCommand, type GetFunctionConfigurationCommandOutput } from '@aws-sdk/client-lambda';
import { waitUntil } from '@outrigger/runtime';
import type { OperationContext } from '../operations/OperationContext.js';

/**
 * Waits until the function can take the next change: `State` Active and no update `InProgress` (the functions-states
 * rule whose violation is Lambda's ResourceConflictException). With `requireSuccess`, a `LastUpdateStatus` of Failed
 * fails the wait with AWS's reason (used after outrigger's own update).
 */
export async function waitUntilFunctionReady(
  ctx: OperationContext,
  functionName: string,
  options: { requireSuccess: boolean },
): Promise<GetFunctionConfigurationCommandOutput> {
  return waitUntil(
    `function ${functionName} to become Active`,
    async () => {
      const c = await ctx.send<GetFunctionConfigurationCommandOutput>(ctx.lambda, new GetFunctionConfigurationCommand({ FunctionName: functionName }));
      if (c.State === 'Failed' || c.State === 'Inactive' && options.requireSuccess)
        return { state: 'FAILURE', reason: `Failed to stabilize function with state: ${c.State} and reason: ${c.StateReason ?? 'none given'}` };
      if (c.State !== 'Active' && c.State !== 'Inactive') return { state: 'RETRY', reason: `state ${c.State}` };
      if (c.LastUpdateStatus === 'InProgress') return { state: 'RETRY', reason: 'last update in progress' };
      if (c.LastUpdateStatus === 'Failed' && options.requireSuccess)
        return { state: 'FAILURE', reason: `update failed: ${c.LastUpdateStatusReason ?? 'no reason given'} (${c.LastUpdateStatusReasonCode ?? ''})` };
      return { state: 'SUCCESS', value: c };
    },
    { minDelayMs: 1_000, maxDelayMs: 10_000, maxWaitMs: ctx.config.stabilizeTimeoutSeconds * 1000, sleep: (ms) => ctx.sleep(ms), now: () => ctx.now() },
  );
}

/**
 * Sends a change to a function; if Lambda answers ResourceConflictException (an update started elsewhere, e.g. in the
 * console, after outrigger's wait), waits for the function again and retries, a few times.
 */
export async function sendWhenReady<T>(ctx: OperationContext, functionName: string, command: object, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await ctx.send<T>(ctx.lambda, command);
    } catch (err) {
      if ((err as Error).name !== 'ResourceConflictException' || i >= attempts) throw err;
      await ctx.status(`${functionName} is being changed by someone else; waiting before retrying`);
      await waitUntilFunctionReady(ctx, functionName, { requireSuccess: false });
    }
  }
}
