export type { paths, components, operations as SpecOperations } from './generated/openapi.js';
export { default as openapiDocument } from './generated/openapi.json';
export { defineOperation } from './operationDef.js';
export type { OperationDef, HttpMethod } from './operationDef.js';
export { operations } from './operations.js';
export type { OperationId, Operations } from './operations.js';
export type { Pinned } from './schemas/pin.js';
export { jacksonLenient, ZERO_MEANS_UNSET } from './schemas/jacksonLenient.js';
export { ErrorBodySchema, FieldErrorSchema } from './schemas/errors.js';
export type { ErrorBody, FieldError } from './schemas/errors.js';
export { HealthSchema } from './schemas/health.js';
export type { Health } from './schemas/health.js';
export {
  ArtifactSchema,
  ListTasksQuerySchema,
  TaskHistoryEntrySchema,
  TaskIdParamsSchema,
  TaskRefSchema,
  TaskSchema,
  TaskStatusSchema,
  WebhookTaskStatusSchema,
} from './schemas/tasks.js';
export type { Artifact, Task, TaskHistoryEntry, TaskRef, TaskStatus, WebhookTaskStatus } from './schemas/tasks.js';
export {
  dropNulls,
  EcsCapacitySchema,
  EcsContainerMappingSchema,
  EcsDeployRequestSchema,
  EcsDeploymentFieldsSchema,
  EcsFindingSchema,
  EcsOperationsRequestSchema,
  EcsRenderRequestSchema,
  EcsRenderResponseSchema,
  EcsReportEntrySchema,
  EcsResizeDescriptionSchema,
  EcsServerGroupRefSchema,
  EcsStageOverridesSchema,
} from './schemas/ecs.js';
export type {
  EcsDeployRequest,
  EcsDeploymentFields,
  EcsFinding,
  EcsRenderRequest,
  EcsRenderResponse,
  EcsReportEntry,
  EcsResizeDescription,
  EcsServerGroupRef,
} from './schemas/ecs.js';
export {
  ApplicationFunctionsParamsSchema,
  AsyncInvokeConfigSchema,
  ClientRequestIdQuerySchema,
  CreateLambdaFunctionDescriptionSchema,
  FunctionCacheEntrySchema,
  FunctionCacheQuerySchema,
  FunctionCacheRefreshResultSchema,
  FunctionCacheRefreshSchema,
  FunctionUrlConfigSchema,
  LambdaArtifactSchema,
  LambdaDescriptionBaseSchema,
  LambdaEventMappingDescriptionSchema,
  LambdaFunctionSchema,
  LambdaEventSourceMappingSchema,
  LambdaAliasConfigurationSchema,
  LambdaFunctionSettingsSchema,
  LambdaOperationListSchema,
  LambdaRuntimeSchema,
  ListFunctionsQuerySchema,
  lambdaDescriptionSchemas,
} from './schemas/lambda.js';
export type {
  CreateLambdaFunctionDescription,
  LambdaArtifact,
  LambdaFunction,
  LambdaOperationName,
  LambdaRuntime,
  UpdateLambdaFunctionConfigurationDescription,
} from './schemas/lambda.js';
export {
  AllInstancesStatusSchema,
  BakeLogsSchema,
  BakeOptionsSchema,
  BakeRequestSchema,
  BakeSchema,
  BakeStatusSchema,
  BaseImageSchema,
  DeleteRequestsSchema,
  ImageRetentionRequestSchema,
  ImageRetentionResultSchema,
  InstanceStatusSchema,
  PackageArtifactSchema,
} from './schemas/bake.js';
export type {
  AllInstancesStatus,
  Bake,
  BakeLogs,
  BakeOptions,
  BakeRequest,
  BakeStatus,
  BaseImage,
  DeleteRequests,
  ImageRetentionRequest,
  ImageRetentionResult,
  InstanceStatus,
  PackageArtifact,
} from './schemas/bake.js';
export { AccountSummarySchema, PluginInfoSchema, PluginReleaseSchema } from './schemas/plugins.js';
export type { AccountSummary, PluginInfo, PluginRelease } from './schemas/plugins.js';
export {
  DeployLambdaProgressiveDescriptionSchema,
  LAMBDA_DEPLOYMENT_TYPES,
  LambdaInvokeCheckSchema,
  LambdaMetricGateSchema,
  LambdaRolloutControlSchema,
  LambdaRolloutEventSchema,
  LambdaRolloutGatesSchema,
  LambdaRolloutHooksSchema,
  LambdaRolloutSchema,
  LambdaShiftStepSchema,
  LifecycleEventHookExecutionStatusResultSchema,
  LifecycleEventHookExecutionStatusSchema,
  ListLambdaRolloutsQuerySchema,
  RolloutIdParamsSchema,
} from './schemas/lambdaRollout.js';
export type { DeployLambdaProgressiveDescription, LambdaDeploymentType, LambdaRolloutEvent, LambdaRolloutView } from './schemas/lambdaRollout.js';
