import { z } from 'zod';
import type { components } from '../generated/openapi.js';
import type { Pinned } from './pin.js';
import { LambdaDescriptionBaseSchema } from './lambda.js';

// Optional fields accept null (Orca posts whole stage contexts with null members); unknown fields are stripped.

/** CodeDeploy's predefined Lambda deployment configurations, by SAM's `DeploymentPreference.Type` names. */
export const LAMBDA_DEPLOYMENT_TYPES = [
  'Canary10Percent5Minutes',
  'Canary10Percent10Minutes',
  'Canary10Percent15Minutes',
  'Canary10Percent30Minutes',
  'Linear10PercentEvery1Minute',
  'Linear10PercentEvery2Minutes',
  'Linear10PercentEvery3Minutes',
  'Linear10PercentEvery10Minutes',
  'AllAtOnce',
] as const;
export type LambdaDeploymentType = (typeof LAMBDA_DEPLOYMENT_TYPES)[number];

export const LambdaShiftStepSchema = z.object({
  weight: z.number().gt(0).max(100),
  bakeSeconds: z.number().int().min(0).max(86400).nullish(),
});

export const LambdaMetricGateSchema = z.object({
  metric: z.enum(['Errors', 'Throttles', 'Duration']),
  mode: z.enum(['rate', 'absolute']).nullish(),
  statistic: z.string().max(16).nullish(),
  threshold: z.number().min(0),
  comparedToBaseline: z.boolean().nullish(),
  periodSeconds: z.number().int().min(60).max(86400).nullish(),
  minInvocations: z.number().int().min(0).max(1_000_000_000).nullish(),
});

export const LambdaInvokeCheckSchema = z.object({
  invocations: z.number().int().min(1).max(100).nullish(),
  payload: z.string().max(262144).nullish(),
  successRate: z.number().min(0).max(1).nullish(),
  jsonPath: z.string().max(512).nullish(),
  equals: z.unknown().optional(),
  regex: z.string().max(1024).nullish(),
});

export const LambdaRolloutGatesSchema = z.object({
  intervalSeconds: z.number().int().min(1).max(3600).nullish(),
  alarms: z.array(z.string().min(1).max(255)).max(50).nullish(),
  metrics: z.array(LambdaMetricGateSchema).max(20).nullish(),
  invokeCheck: LambdaInvokeCheckSchema.nullish(),
});

export const LambdaRolloutHooksSchema = z.object({
  beforeAllowTraffic: z.string().max(2048).nullish(),
  afterAllowTraffic: z.string().max(2048).nullish(),
  timeoutSeconds: z.number().int().min(1).max(3600).nullish(),
});

export const DeployLambdaProgressiveDescriptionSchema = LambdaDescriptionBaseSchema.extend({
  functionName: z.string().min(1).max(140),
  aliasName: z.string().min(1).max(128),
  targetVersion: z.string().max(32).nullish(),
  versionDescription: z.string().max(256).nullish(),
  deploymentType: z.enum(LAMBDA_DEPLOYMENT_TYPES).nullish(),
  steps: z.array(LambdaShiftStepSchema).min(1).max(100).nullish(),
  gates: LambdaRolloutGatesSchema.nullish(),
  hooks: LambdaRolloutHooksSchema.nullish(),
  provisionedConcurrentExecutions: z.number().int().min(1).max(100000).nullish(),
});
export type DeployLambdaProgressiveDescription = z.infer<typeof DeployLambdaProgressiveDescriptionSchema>;

export const LambdaRolloutEventSchema = z.object({
  at: z.number().int(),
  kind: z.enum(['started', 'version', 'provisioned', 'hook', 'weight', 'gate', 'control', 'decision', 'finished', 'resumed']),
  message: z.string(),
  step: z.number().int().optional(),
  weight: z.number().optional(),
  gate: z.string().optional(),
  value: z.union([z.number(), z.string()]).nullish(),
  threshold: z.union([z.number(), z.string()]).nullish(),
  passed: z.boolean().optional(),
});
export type LambdaRolloutEvent = z.infer<typeof LambdaRolloutEventSchema>;

export const LambdaRolloutSchema = z.object({
  id: z.string(),
  account: z.string(),
  region: z.string(),
  functionName: z.string(),
  aliasName: z.string(),
  oldVersion: z.string().optional(),
  newVersion: z.string().optional(),
  deploymentType: z.string().optional(),
  state: z.enum(['RUNNING', 'PAUSED', 'SUCCEEDED', 'ROLLED_BACK', 'FAILED']),
  phase: z.enum(['PREPARE', 'PROVISION', 'BEFORE_ALLOW_TRAFFIC', 'SHIFT', 'AFTER_ALLOW_TRAFFIC', 'ROLLBACK', 'DONE']),
  weight: z.number(),
  stepIndex: z.number().int(),
  steps: z.array(LambdaShiftStepSchema),
  nextShiftAt: z.number().int().optional(),
  rollbackReason: z.string().optional(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  events: z.array(LambdaRolloutEventSchema),
});
export type LambdaRolloutView = z.infer<typeof LambdaRolloutSchema>;

export const LambdaRolloutControlSchema = z.object({ reason: z.string().max(1024).nullish() });

export const LifecycleEventHookExecutionStatusSchema = z.object({
  deploymentId: z.string().min(1).max(128),
  lifecycleEventHookExecutionId: z.string().min(1).max(1024),
  status: z.enum(['Succeeded', 'Failed']),
});
export const LifecycleEventHookExecutionStatusResultSchema = z.object({ lifecycleEventHookExecutionId: z.string() });

export const RolloutIdParamsSchema = z.object({ id: z.string().min(1).max(128) });
export const ListLambdaRolloutsQuerySchema = z.object({
  account: z.string().max(256).optional(),
  functionName: z.string().max(256).optional(),
  active: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

type S = components['schemas'];
const _pins: [
  Pinned<z.infer<typeof LambdaShiftStepSchema>, S['LambdaShiftStep']>,
  Pinned<z.infer<typeof LambdaMetricGateSchema>, S['LambdaMetricGate']>,
  Pinned<z.infer<typeof LambdaInvokeCheckSchema>, S['LambdaInvokeCheck']>,
  Pinned<z.infer<typeof LambdaRolloutGatesSchema>, S['LambdaRolloutGates']>,
  Pinned<z.infer<typeof LambdaRolloutHooksSchema>, S['LambdaRolloutHooks']>,
  Pinned<z.infer<typeof DeployLambdaProgressiveDescriptionSchema>, S['DeployLambdaProgressiveDescription']>,
  Pinned<z.infer<typeof LambdaRolloutEventSchema>, S['LambdaRolloutEvent']>,
  Pinned<z.infer<typeof LambdaRolloutSchema>, S['LambdaRollout']>,
  Pinned<z.infer<typeof LambdaRolloutControlSchema>, S['LambdaRolloutControl']>,
  Pinned<z.infer<typeof LifecycleEventHookExecutionStatusSchema>, S['LifecycleEventHookExecutionStatus']>,
  Pinned<z.infer<typeof LifecycleEventHookExecutionStatusResultSchema>, S['LifecycleEventHookExecutionStatusResult']>,
] = [true, true, true, true, true, true, true, true, true, true, true];
void _pins;
