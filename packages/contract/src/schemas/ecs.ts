import { z } from 'zod';
import type { components } from '../generated/openapi.js';
import type { Pinned } from './pin.js';
import { ArtifactSchema } from './tasks.js';

type S = components['schemas'];

/** Free-form parts of a description where `null` means something (merge-patch removal) or is user data. */
const KEEP_NULLS = new Set(['overlays', 'taskDefinition', 'spelProcessedTaskDefinitionArtifact', 'trigger', 'stages', 'artifact', 'resolvedTaskDefinitionArtifact', 'artifacts']);

/**
 * Orca and Deck send absent description fields as `null` (Jackson on the clouddriver side reads them as unset); this
 * drops them so the optional fields validate, leaving the free-form parts untouched.
 */
export function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== null).map(dropNulls);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null) continue;
    out[k] = KEEP_NULLS.has(k) ? v : dropNulls(v);
  }
  return out;
}
const str = (max: number) => z.string().max(max);
const JsonObject = z.record(z.string(), z.unknown());

export const EcsImageDescriptionSchema = z.object({
  imageId: str(1024).optional(),
  message: str(1024).optional(),
  fromTrigger: z.boolean().optional(),
  fromContext: z.boolean().optional(),
  stageId: str(256).optional(),
  imageLabelOrSha: str(1024).optional(),
  account: str(256).optional(),
  registry: str(512).optional(),
  repository: str(512).optional(),
  tag: str(256).optional(),
  organization: str(256).optional(),
});

export const EcsContainerMappingSchema = z.object({
  containerName: z.string().min(1).max(255),
  imageDescription: EcsImageDescriptionSchema,
});

export const EcsImageArtifactRuleSchema = z.object({
  containerName: z.string().min(1).max(255),
  artifactName: z.string().min(1).max(1024),
});

export const EcsContainerOverrideSchema = z.object({
  environment: z.record(z.string(), str(32768)).optional(),
  secrets: z.record(z.string(), str(2048)).optional(),
  dockerLabels: z.record(z.string(), str(4096)).optional(),
  removeEnvironment: z.array(str(255)).optional(),
});

export const EcsStageOverridesSchema = z.object({
  containers: z.record(z.string(), EcsContainerOverrideSchema).optional(),
  taskRoleArn: str(2048).optional(),
  executionRoleArn: str(2048).optional(),
  overlays: z.array(JsonObject).max(50).optional(),
});

export const EcsMonikerSchema = z.object({
  app: str(255).optional(),
  stack: str(255).optional(),
  detail: str(255).optional(),
  cluster: str(255).optional(),
  sequence: z.number().int().min(0).max(999).optional(),
});

export const EcsCapacitySchema = z.object({
  min: z.number().int().min(0),
  max: z.number().int().min(0),
  desired: z.number().int().min(0),
});

export const EcsSourceSchema = z.object({
  account: str(256).optional(),
  region: str(64).optional(),
  asgName: str(255).optional(),
  useSourceCapacity: z.boolean().optional(),
});

export const EcsCapacityProviderStrategyItemSchema = z.object({
  capacityProvider: z.string().min(1).max(255),
  base: z.number().int().min(0).max(100000).optional(),
  weight: z.number().int().min(0).max(1000).optional(),
});

export const EcsPlacementConstraintSchema = z.object({ type: str(64), expression: str(2000).optional() });
export const EcsPlacementStrategySchema = z.object({ type: str(64), field: str(255).optional() });

export const EcsTargetGroupMappingSchema = z.object({
  containerName: str(255).optional(),
  containerPort: z.number().int().min(0).max(65535).optional(),
  targetGroup: str(2048),
});

export const EcsServiceDiscoveryAssociationSchema = z.object({
  registry: z.object({ arn: str(2048).optional(), name: str(255).optional(), id: str(255).optional() }),
  containerPort: z.number().int().min(0).max(65535).optional(),
  containerName: str(255).optional(),
});

export const EcsScalingPolicySchema = z.object({
  name: str(255).optional(),
  predefinedMetricType: z.enum(['ECSServiceAverageCPUUtilization', 'ECSServiceAverageMemoryUtilization', 'ALBRequestCountPerTarget']).optional(),
  targetValue: z.number(),
  scaleInCooldown: z.number().int().min(0).optional(),
  scaleOutCooldown: z.number().int().min(0).optional(),
  disableScaleIn: z.boolean().optional(),
});

export const EcsDeploymentFieldsSchema = z.object({
  account: str(256).optional(),
  credentials: str(256).optional(),
  application: str(255).optional(),
  stack: str(255).optional(),
  freeFormDetails: str(255).optional(),
  moniker: EcsMonikerSchema.optional(),
  region: str(64).optional(),
  availabilityZones: z.record(z.string(), z.array(str(64))).optional(),
  ecsClusterName: str(255).optional(),
  capacity: EcsCapacitySchema.optional(),
  source: EcsSourceSchema.optional(),
  copySourceScalingPoliciesAndActions: z.boolean().optional(),
  launchType: z.enum(['EC2', 'FARGATE', 'EXTERNAL', '']).optional(),
  capacityProviderStrategy: z.array(EcsCapacityProviderStrategyItemSchema).optional(),
  platformVersion: str(64).optional(),
  networkMode: z.enum(['bridge', 'host', 'awsvpc', 'none', 'default']).optional(),
  subnetType: str(255).optional(),
  subnetTypes: z.array(str(255)).optional(),
  subnetIds: z.array(str(64)).optional(),
  securityGroupNames: z.array(str(255)).optional(),
  securityGroupIds: z.array(str(64)).optional(),
  associatePublicIpAddress: z.boolean().optional(),
  healthCheckGracePeriodSeconds: z.number().int().min(0).max(2147483647).optional(),
  placementConstraints: z.array(EcsPlacementConstraintSchema).optional(),
  placementStrategySequence: z.array(EcsPlacementStrategySchema).optional(),
  serviceDiscoveryAssociations: z.array(EcsServiceDiscoveryAssociationSchema).optional(),
  targetGroup: str(2048).optional(),
  containerPort: z.number().int().min(0).max(65535).optional(),
  loadBalancedContainer: str(255).optional(),
  targetGroupMappings: z.array(EcsTargetGroupMappingSchema).optional(),
  iamRole: str(2048).optional(),
  dockerImageAddress: str(2048).optional(),
  computeUnits: z.number().int().min(0).max(1000000).optional(),
  reservedMemory: z.number().int().min(0).max(1000000).optional(),
  portProtocol: str(16).optional(),
  environmentVariables: z.record(z.string(), str(32768)).optional(),
  dockerLabels: z.record(z.string(), str(4096)).optional(),
  logDriver: str(64).optional(),
  logOptions: z.record(z.string(), str(4096)).optional(),
  dockerImageCredentialsSecret: str(2048).optional(),
  tags: z.record(z.string(), str(256)).optional(),
  useTaskDefinitionArtifact: z.boolean().optional(),
  resolvedTaskDefinitionArtifact: ArtifactSchema.optional(),
  taskDefinitionArtifactAccount: str(256).optional(),
  evaluateTaskDefinitionArtifactExpressions: z.boolean().optional(),
  spelProcessedTaskDefinitionArtifact: JsonObject.optional(),
  pinImageDigests: z.boolean().optional(),
  fromTaskDefinition: str(2048).optional(),
  containerToImageMap: z.record(z.string(), str(1024)).optional(),
  containerMappings: z.array(EcsContainerMappingSchema).optional(),
  artifacts: z.array(ArtifactSchema).optional(),
  imageArtifactRules: z.array(EcsImageArtifactRuleSchema).optional(),
  keepImage: z.array(str(255)).optional(),
  overrides: EcsStageOverridesSchema.optional(),
  trigger: JsonObject.optional(),
  stages: z.array(JsonObject).optional(),
  enableExecuteCommand: z.boolean().optional(),
  enableDeploymentCircuitBreaker: z.boolean().optional(),
  scalingPolicies: z.array(EcsScalingPolicySchema).optional(),
});

export const EcsRenderRequestSchema = EcsDeploymentFieldsSchema.extend({
  artifact: ArtifactSchema.optional(),
  taskDefinition: JsonObject.optional(),
  serverGroupName: str(255).optional(),
  failOnError: z.boolean().optional(),
});

export const EcsReportEntrySchema = z.object({
  action: z.enum(['unwrapped', 'dropped', 'renamed', 'converted', 'set', 'replaced', 'removed', 'patched']),
  pointer: z.string(),
  to: z.string().optional(),
  source: z.enum(['artifact', 'overlay', 'override', 'injected', 'image']),
  reason: z.string(),
});

export const EcsFindingSchema = z.object({
  severity: z.enum(['error', 'warning']),
  code: z.string(),
  in: z.enum(['taskDefinition', 'request', 'artifact']),
  pointer: z.string(),
  message: z.string(),
  container: z.string().optional(),
});

export const EcsImageBindingSchema = z.object({
  containerName: z.string(),
  image: z.string(),
  source: z.enum(['containerToImageMap', 'containerMappings', 'artifact', 'artifact-rule', 'kept']),
  artifact: z.object({ name: z.string().optional(), reference: z.string().optional() }).optional(),
});

export const EcsDiffChangeSchema = z.object({
  op: z.enum(['add', 'remove', 'replace']),
  path: z.string(),
  from: z.unknown().optional(),
  value: z.unknown().optional(),
});

export const EcsDiffSchema = z.object({
  against: z.object({ serverGroupName: z.string(), taskDefinitionArn: z.string().optional() }).optional(),
  changes: z.array(EcsDiffChangeSchema),
});

export const EcsRenderResponseSchema = z.object({
  id: z.string(),
  ok: z.boolean(),
  url: z.string(),
  taskDefinition: JsonObject.optional(),
  report: z.array(EcsReportEntrySchema),
  findings: z.array(EcsFindingSchema),
  images: z.array(EcsImageBindingSchema),
  diff: EcsDiffSchema,
  artifacts: z.array(ArtifactSchema),
});

export const EcsServerGroupRefSchema = z.object({
  account: str(256).optional(),
  credentials: str(256).optional(),
  region: z.string().min(1).max(64),
  serverGroupName: str(255).optional(),
  asgName: str(255).optional(),
  ecsClusterName: str(255).optional(),
  moniker: EcsMonikerSchema.optional(),
});

export const EcsResizeDescriptionSchema = EcsServerGroupRefSchema.extend({ capacity: EcsCapacitySchema });

export const EcsDeployRequestSchema = EcsDeploymentFieldsSchema.extend({
  strategy: z.enum(['redblack', 'highlander', 'none']),
  artifact: ArtifactSchema.optional(),
  taskDefinition: JsonObject.optional(),
  maxWaitSeconds: z.number().int().min(1).max(7200).optional(),
  scaleDownOldServerGroups: z.boolean().optional(),
});

export const EcsOperationsRequestSchema = z.array(JsonObject).min(1).max(20);

export const EcsRenderIdParamsSchema = z.object({ id: z.string().min(1).max(64) });

export type EcsDeploymentFields = S['EcsDeploymentFields'];
export type EcsRenderRequest = S['EcsRenderRequest'];
export type EcsRenderResponse = S['EcsRenderResponse'];
export type EcsServerGroupRef = S['EcsServerGroupRef'];
export type EcsResizeDescription = S['EcsResizeDescription'];
export type EcsDeployRequest = S['EcsDeployRequest'];
export type EcsFinding = S['EcsFinding'];
export type EcsReportEntry = S['EcsReportEntry'];

const _pins: [
  Pinned<z.infer<typeof EcsImageDescriptionSchema>, S['EcsImageDescription']>,
  Pinned<z.infer<typeof EcsContainerMappingSchema>, S['EcsContainerMapping']>,
  Pinned<z.infer<typeof EcsImageArtifactRuleSchema>, S['EcsImageArtifactRule']>,
  Pinned<z.infer<typeof EcsContainerOverrideSchema>, S['EcsContainerOverride']>,
  Pinned<z.infer<typeof EcsStageOverridesSchema>, S['EcsStageOverrides']>,
  Pinned<z.infer<typeof EcsMonikerSchema>, S['EcsMoniker']>,
  Pinned<z.infer<typeof EcsCapacitySchema>, S['EcsCapacity']>,
  Pinned<z.infer<typeof EcsSourceSchema>, S['EcsSource']>,
  Pinned<z.infer<typeof EcsCapacityProviderStrategyItemSchema>, S['EcsCapacityProviderStrategyItem']>,
  Pinned<z.infer<typeof EcsPlacementConstraintSchema>, S['EcsPlacementConstraint']>,
  Pinned<z.infer<typeof EcsPlacementStrategySchema>, S['EcsPlacementStrategy']>,
  Pinned<z.infer<typeof EcsTargetGroupMappingSchema>, S['EcsTargetGroupMapping']>,
  Pinned<z.infer<typeof EcsServiceDiscoveryAssociationSchema>, S['EcsServiceDiscoveryAssociation']>,
  Pinned<z.infer<typeof EcsScalingPolicySchema>, S['EcsScalingPolicy']>,
  Pinned<z.infer<typeof EcsDeploymentFieldsSchema>, S['EcsDeploymentFields']>,
  Pinned<z.infer<typeof EcsRenderRequestSchema>, S['EcsRenderRequest']>,
  Pinned<z.infer<typeof EcsReportEntrySchema>, S['EcsReportEntry']>,
  Pinned<z.infer<typeof EcsFindingSchema>, S['EcsFinding']>,
  Pinned<z.infer<typeof EcsImageBindingSchema>, S['EcsImageBinding']>,
  Pinned<z.infer<typeof EcsDiffChangeSchema>, S['EcsDiffChange']>,
  Pinned<z.infer<typeof EcsDiffSchema>, S['EcsDiff']>,
  Pinned<z.infer<typeof EcsRenderResponseSchema>, S['EcsRenderResponse']>,
  Pinned<z.infer<typeof EcsServerGroupRefSchema>, S['EcsServerGroupRef']>,
  Pinned<z.infer<typeof EcsResizeDescriptionSchema>, S['EcsResizeDescription']>,
  Pinned<z.infer<typeof EcsDeployRequestSchema>, S['EcsDeployRequest']>,
  Pinned<z.infer<typeof EcsOperationsRequestSchema>, S['EcsOperationsRequest']>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true];
void _pins;
