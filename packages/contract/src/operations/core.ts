import { z } from 'zod';
import { defineOperation } from '../operationDef.js';
import { HealthSchema } from '../schemas/health.js';
import {
  ListTasksQuerySchema,
  TaskIdParamsSchema,
  TaskRefSchema,
  TaskSchema,
  WebhookTaskStatusSchema,
} from '../schemas/tasks.js';

/** Operations of `openapi/paths/core.yaml` and `openapi/paths/tasks.yaml`. */
export const coreOperations = {
  getHealth: defineOperation({ method: 'get', path: '/health', response: HealthSchema }),
  listTasks: defineOperation({ method: 'get', path: '/task', query: ListTasksQuerySchema, response: z.array(TaskSchema) }),
  getTask: defineOperation({ method: 'get', path: '/task/{id}', params: TaskIdParamsSchema, response: TaskSchema }),
  resumeTask: defineOperation({ method: 'post', path: '/task/{id}:resume', params: TaskIdParamsSchema, response: TaskRefSchema }),
  getWebhookTaskStatus: defineOperation({
    method: 'get',
    path: '/tasks/{id}',
    params: TaskIdParamsSchema,
    response: WebhookTaskStatusSchema,
  }),
};
