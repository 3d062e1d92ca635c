import type { Router } from 'express';
import { InputError, NotFoundError, NotImplementedError, type ProviderDeps } from '@outrigger/runtime';
import { validateRollout } from './validateRollout.js';

/**
 * Binds the progressive-delivery operations. The engine is not in this build yet: both deploy doors validate the
 * description and the caller's WRITE access, then answer 501; no rollout can exist, so reads are empty and controls 404.
 */
export function bindRolloutRoutes(deps: ProviderDeps, router: Router): void {
  const notYet = () => new NotImplementedError('deployLambdaProgressive is in the contract but its engine is not in this build of outrigger yet.');
  deps.bind(router, 'deployLambdaProgressive', async ({ body, principal }) => {
    const errors = validateRollout(body);
    if (errors.length) throw new InputError('Validation Failed', { errors });
    deps.authorizer.requireAccount(await principal(), body.credentials, 'WRITE', '$.body.credentials');
    throw notYet();
  });
  deps.bind(router, 'startLambdaRollout', async ({ body, principal }) => {
    const errors = validateRollout(body);
    if (errors.length) throw new InputError('Validation Failed', { errors });
    deps.authorizer.requireAccount(await principal(), body.credentials, 'WRITE', '$.body.credentials');
    throw notYet();
  });
  deps.bind(router, 'listLambdaRollouts', () => []);
  const missing = (id: string) => new NotFoundError(`No rollout ${id}.`);
  deps.bind(router, 'getLambdaRollout', ({ params }) => {
    throw missing(params.id);
  });
  for (const op of ['pauseLambdaRollout', 'resumeLambdaRollout', 'skipLambdaRolloutStep', 'promoteLambdaRollout', 'rollbackLambdaRollout'] as const) {
    deps.bind(router, op, ({ params }) => {
      throw missing(params.id);
    });
  }
  deps.bind(router, 'putLifecycleEventHookExecutionStatus', ({ body }) => {
    throw new NotFoundError(`No lifecycle event hook execution ${body.lifecycleEventHookExecutionId} of deployment ${body.deploymentId}.`);
  });
}
