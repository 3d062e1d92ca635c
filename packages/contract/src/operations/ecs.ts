import { z } from 'zod';
import { defineOperation } from '../operationDef.js';
import {
  dropNulls,
  EcsDeployRequestSchema,
  EcsDeploymentFieldsSchema,
  EcsOperationsRequestSchema,
  EcsRenderIdParamsSchema,
  EcsRenderRequestSchema,
  EcsRenderResponseSchema,
  EcsResizeDescriptionSchema,
  EcsServerGroupRefSchema,
} from '../schemas/ecs.js';
import { TaskRefSchema } from '../schemas/tasks.js';

/** Operations of `openapi/paths/ecs.yaml`. */
export const ecsOperations = {
  renderEcsTaskDefinition: defineOperation({
    method: 'post',
    path: '/ecs/taskDefinitions/render',
    body: z.preprocess(dropNulls, EcsRenderRequestSchema),
    response: EcsRenderResponseSchema,
  }),
  getEcsRenderedTaskDefinition: defineOperation({
    method: 'get',
    path: '/ecs/renders/{id}/taskDefinition.json',
    params: EcsRenderIdParamsSchema,
    response: z.record(z.string(), z.unknown()),
  }),
  ecsOperations: defineOperation({ method: 'post', path: '/ecs/ops', body: EcsOperationsRequestSchema, response: TaskRefSchema, status: 202 }),
  ecsCreateServerGroup: defineOperation({
    method: 'post',
    path: '/ecs/ops/createServerGroup',
    body: z.preprocess(dropNulls, EcsDeploymentFieldsSchema),
    response: TaskRefSchema,
    status: 202,
  }),
  ecsDisableServerGroup: defineOperation({ method: 'post', path: '/ecs/ops/disableServerGroup', body: z.preprocess(dropNulls, EcsServerGroupRefSchema), response: TaskRefSchema, status: 202 }),
  ecsEnableServerGroup: defineOperation({ method: 'post', path: '/ecs/ops/enableServerGroup', body: z.preprocess(dropNulls, EcsServerGroupRefSchema), response: TaskRefSchema, status: 202 }),
  ecsResizeServerGroup: defineOperation({ method: 'post', path: '/ecs/ops/resizeServerGroup', body: z.preprocess(dropNulls, EcsResizeDescriptionSchema), response: TaskRefSchema, status: 202 }),
  ecsDestroyServerGroup: defineOperation({ method: 'post', path: '/ecs/ops/destroyServerGroup', body: z.preprocess(dropNulls, EcsServerGroupRefSchema), response: TaskRefSchema, status: 202 }),
  ecsDeploy: defineOperation({ method: 'post', path: '/ecs/ops/deploy', body: z.preprocess(dropNulls, EcsDeployRequestSchema), response: TaskRefSchema, status: 202 }),
};
