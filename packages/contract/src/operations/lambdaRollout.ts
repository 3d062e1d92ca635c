import { z } from 'zod';
import { defineOperation } from '../operationDef.js';
import { ClientRequestIdQuerySchema } from '../schemas/lambda.js';
import {
  DeployLambdaProgressiveDescriptionSchema,
  LambdaRolloutControlSchema,
  LambdaRolloutSchema,
  LifecycleEventHookExecutionStatusResultSchema,
  LifecycleEventHookExecutionStatusSchema,
  ListLambdaRolloutsQuerySchema,
  RolloutIdParamsSchema,
} from '../schemas/lambdaRollout.js';
import { TaskRefSchema } from '../schemas/tasks.js';

const control = (verb: string) =>
  defineOperation({
    method: 'post',
    path: `/lambda/rollouts/{id}/${verb}`,
    params: RolloutIdParamsSchema,
    body: LambdaRolloutControlSchema.optional(),
    response: LambdaRolloutSchema,
  });

/** Operations of `openapi/paths/lambdaRollout.yaml`. */
export const lambdaRolloutOperations = {
  deployLambdaProgressive: defineOperation({
    method: 'post',
    path: '/aws/ops/deployLambdaProgressive',
    query: ClientRequestIdQuerySchema,
    body: DeployLambdaProgressiveDescriptionSchema,
    response: TaskRefSchema,
  }),
  startLambdaRollout: defineOperation({
    method: 'post',
    path: '/lambda/rollouts',
    query: ClientRequestIdQuerySchema,
    body: DeployLambdaProgressiveDescriptionSchema,
    response: TaskRefSchema,
    status: 202,
  }),
  listLambdaRollouts: defineOperation({ method: 'get', path: '/lambda/rollouts', query: ListLambdaRolloutsQuerySchema, response: z.array(LambdaRolloutSchema) }),
  getLambdaRollout: defineOperation({ method: 'get', path: '/lambda/rollouts/{id}', params: RolloutIdParamsSchema, response: LambdaRolloutSchema }),
  pauseLambdaRollout: control('pause'),
  resumeLambdaRollout: control('resume'),
  skipLambdaRolloutStep: control('skip'),
  promoteLambdaRollout: control('promote'),
  rollbackLambdaRollout: control('rollback'),
  putLifecycleEventHookExecutionStatus: defineOperation({
    method: 'post',
    path: '/codedeploy',
    body: LifecycleEventHookExecutionStatusSchema,
    response: LifecycleEventHookExecutionStatusResultSchema,
  }),
};
