import { z } from 'zod';
import type { components } from '../generated/openapi.js';
import type { Pinned } from './pin.js';

const JsonObject = z.record(z.string(), z.unknown());

export const TaskStatusSchema = z.object({
  phase: z.string(),
  status: z.string(),
  complete: z.boolean(),
  completed: z.boolean(),
  failed: z.boolean(),
  retryable: z.boolean(),
});

export const TaskHistoryEntrySchema = z.object({
  phase: z.string(),
  status: z.string(),
  timestamp: z.number().int().optional(),
});

export const TaskSchema = z.object({
  id: z.string(),
  ownerId: z.string().optional(),
  requestId: z.string().optional(),
  operation: z.string().optional(),
  account: z.string().optional(),
  startTimeMs: z.number().int(),
  endTimeMs: z.number().int().optional(),
  retryable: z.boolean().optional(),
  status: TaskStatusSchema,
  history: z.array(TaskHistoryEntrySchema),
  resultObjects: z.array(JsonObject),
  outputs: z.array(JsonObject).optional(),
});

export const TaskRefSchema = z.object({
  id: z.string(),
  resourceUri: z.string(),
});

export const ArtifactSchema = z.looseObject({
  type: z.string(),
  name: z.string().optional(),
  version: z.string().optional(),
  location: z.string().optional(),
  reference: z.string().optional(),
  artifactAccount: z.string().optional(),
  provenance: z.string().optional(),
  uuid: z.string().optional(),
  customKind: z.boolean().optional(),
  metadata: JsonObject.optional(),
});

export const WebhookTaskStatusSchema = z.object({
  id: z.string(),
  status: z.enum(['RUNNING', 'SUCCEEDED', 'TERMINAL', 'CANCELED']),
  message: z.string(),
  operation: z.string().optional(),
  resultObjects: z.array(JsonObject).optional(),
  artifacts: z.array(ArtifactSchema).optional(),
});

export const TaskIdParamsSchema = z.object({ id: z.string().min(1).max(128) });
export const ListTasksQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

type S = components['schemas'];
export type Task = S['Task'];
export type TaskStatus = S['TaskStatus'];
export type TaskHistoryEntry = S['TaskHistoryEntry'];
export type TaskRef = S['TaskRef'];
export type Artifact = S['Artifact'];
export type WebhookTaskStatus = S['WebhookTaskStatus'];

const _pins: [
  Pinned<z.infer<typeof TaskStatusSchema>, TaskStatus>,
  Pinned<z.infer<typeof TaskHistoryEntrySchema>, TaskHistoryEntry>,
  Pinned<z.infer<typeof TaskSchema>, Task>,
  Pinned<z.infer<typeof TaskRefSchema>, TaskRef>,
  Pinned<z.infer<typeof ArtifactSchema>, Artifact>,
  Pinned<z.infer<typeof WebhookTaskStatusSchema>, WebhookTaskStatus>,
] = [true, true, true, true, true, true];
void _pins;
