import { z } from 'zod';
import type { components } from '../generated/openapi.js';
import type { Pinned } from './pin.js';

// Optional fields accept null (Orca and Deck post whole stage contexts with null members); unknown fields are stripped.
const str = (max: number) => z.string().max(max).nullish();
const int = (min: number, max: number) => z.number().int().min(min).max(max).nullish();
const bool = () => z.boolean().nullish();
const reqName = z.string().min(1).max(140);

export const StringMapSchema = z.record(z.string(), z.string().max(4096)).nullable().refine((m) => !m || Object.keys(m).length <= 200, {
  message: 'at most 200 entries',
});
export const StringListSchema = z.array(z.string().max(2048)).max(100).nullable();

export const LambdaArtifactSchema = z
  .object({
    type: z.string().max(64),
    name: str(2048),
    reference: str(10485760),
    version: str(1024),
    artifactAccount: str(256),
    location: str(256),
  })
  .nullable();

const DestinationSchema = z.object({ destination: str(2048) }).nullish();
export const DestinationConfigSchema = z.object({ onSuccess: DestinationSchema, onFailure: DestinationSchema }).nullable();

export const AsyncInvokeConfigSchema = z
  .object({
    maximumRetryAttempts: int(0, 2),
    maximumEventAgeInSeconds: int(60, 21600),
    destinationConfig: DestinationConfigSchema.optional(),
  })
  .nullable();

export const FunctionUrlConfigSchema = z
  .object({
    enabled: bool(),
    authType: z.enum(['NONE', 'AWS_IAM']).nullish(),
    invokeMode: z.enum(['BUFFERED', 'RESPONSE_STREAM']).nullish(),
    cors: z
      .object({
        allowCredentials: bool(),
        allowHeaders: StringListSchema.optional(),
        allowMethods: StringListSchema.optional(),
        allowOrigins: StringListSchema.optional(),
        exposeHeaders: StringListSchema.optional(),
        maxAge: int(0, 86400),
      })
      .nullish(),
  })
  .nullable();

const ArchitecturesSchema = z.array(z.enum(['x86_64', 'arm64'])).max(1).nullish();

export const LambdaFunctionSettingsSchema = z.object({
  description: str(256),
  handler: str(128),
  role: str(2048),
  runtime: str(64),
  layers: StringListSchema.optional(),
  memorySize: int(128, 10240),
  timeout: int(1, 900),
  tags: StringMapSchema.optional(),
  envVariables: StringMapSchema.optional(),
  subnetIds: StringListSchema.optional(),
  securityGroupIds: StringListSchema.optional(),
  targetGroups: z.union([z.string().max(2048), StringListSchema]).optional(),
  deadLetterConfig: z.object({ targetArn: str(2048) }).nullish(),
  tracingConfig: z.object({ mode: z.enum(['Active', 'PassThrough']).nullish() }).nullish(),
  kmskeyArn: str(2048),
  imageConfig: z
    .object({ command: StringListSchema.optional(), entryPoint: StringListSchema.optional(), workingDirectory: str(1000) })
    .nullish(),
  architectures: ArchitecturesSchema,
  ephemeralStorage: z.object({ size: z.number().int().min(512).max(10240).optional() }).nullish(),
  snapStart: z.object({ applyOn: z.enum(['PublishedVersions', 'None']).optional() }).nullish(),
  loggingConfig: z
    .object({
      logFormat: z.enum(['JSON', 'Text']).nullish(),
      applicationLogLevel: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL']).nullish(),
      systemLogLevel: z.enum(['DEBUG', 'INFO', 'WARN']).nullish(),
      logGroup: str(512),
    })
    .nullish(),
  functionUrl: FunctionUrlConfigSchema.optional(),
  asyncInvokeConfig: AsyncInvokeConfigSchema.optional(),
});

export const LambdaDescriptionBaseSchema = z.object({
  credentials: z.string().min(1).max(256),
  account: str(256),
  region: z.string().min(1).max(64),
  appName: str(256),
  cloudProvider: str(64),
});

export const CreateLambdaFunctionDescriptionSchema = LambdaDescriptionBaseSchema.extend(LambdaFunctionSettingsSchema.shape).extend({
  functionName: reqName,
  s3bucket: str(63),
  s3key: str(1024),
  publish: bool(),
  packageType: z.enum(['Zip', 'Image']).nullish(),
  imageUri: str(2048),
  artifact: LambdaArtifactSchema.optional(),
});

export const UpdateLambdaFunctionConfigurationDescriptionSchema = LambdaDescriptionBaseSchema.extend(LambdaFunctionSettingsSchema.shape).extend({
  functionName: reqName,
});

export const UpdateLambdaFunctionCodeDescriptionSchema = LambdaDescriptionBaseSchema.extend({
  functionName: reqName,
  s3bucket: str(63),
  s3key: str(1024),
  imageUri: str(2048),
  artifact: LambdaArtifactSchema.optional(),
  publish: bool(),
  architectures: ArchitecturesSchema,
});

export const DeleteLambdaFunctionDescriptionSchema = LambdaDescriptionBaseSchema.extend({ functionName: reqName, qualifier: str(128) });

export const InvokeLambdaFunctionDescriptionSchema = LambdaDescriptionBaseSchema.extend({
  functionName: reqName,
  qualifier: str(128),
  payload: str(6291456),
  payloadArtifact: LambdaArtifactSchema.optional(),
  timeout: int(-1, 900),
  invocationType: z.enum(['RequestResponse', 'Event', 'DryRun']).nullish(),
});

export const PublishLambdaFunctionVersionDescriptionSchema = LambdaDescriptionBaseSchema.extend({
  functionName: reqName,
  description: str(256),
  revisionId: str(128),
});

export const UpsertLambdaFunctionAliasDescriptionSchema = LambdaDescriptionBaseSchema.extend({
  functionName: reqName,
  aliasName: z.string().min(1).max(128),
  aliasDescription: str(256),
  majorFunctionVersion: str(1024),
  minorFunctionVersion: str(1024),
  weightToMinorFunctionVersion: z.number().min(0).max(1).nullish(),
});

export const DeleteLambdaFunctionAliasDescriptionSchema = LambdaDescriptionBaseSchema.extend({
  functionName: reqName,
  aliasName: z.string().min(1).max(128),
});

export const LambdaEventMappingDescriptionSchema = LambdaDescriptionBaseSchema.extend({
  functionName: reqName,
  qualifier: str(128),
  eventSourceArn: z.string().min(1).max(2048),
  batchsize: int(1, 10000),
  enabled: bool(),
  startingPosition: z.enum(['LATEST', 'TRIM_HORIZON', 'AT_TIMESTAMP']).nullish(),
  bisectBatchOnError: bool(),
  maxBatchingWindowSecs: int(-1, 300),
  maxRecordAgeSecs: int(-1, 604800),
  maxRetryAttempts: int(-1, 10000),
  parallelizationFactor: int(-1, 10),
  tumblingWindowSecs: int(-1, 900),
  destinationConfig: DestinationConfigSchema.optional(),
  uuid: str(128),
});

export const PutLambdaReservedConcurrencyDescriptionSchema = LambdaDescriptionBaseSchema.extend({
  functionName: reqName,
  reservedConcurrentExecutions: z.number().int().min(0).max(100000),
});
export const DeleteLambdaReservedConcurrencyDescriptionSchema = LambdaDescriptionBaseSchema.extend({ functionName: reqName });
export const PutLambdaProvisionedConcurrencyDescriptionSchema = LambdaDescriptionBaseSchema.extend({
  functionName: reqName,
  qualifier: z.string().min(1).max(128),
  provisionedConcurrentExecutions: z.number().int().min(1).max(100000),
});
export const DeleteLambdaProvisionedConcurrencyDescriptionSchema = LambdaDescriptionBaseSchema.extend({
  functionName: reqName,
  qualifier: z.string().min(1).max(128),
});

/** Operation name → description schema: the 13 clouddriver operations and outrigger's `deleteLambdaFunctionAlias`. */
export const lambdaDescriptionSchemas = {
  createLambdaFunction: CreateLambdaFunctionDescriptionSchema,
  updateLambdaFunctionConfiguration: UpdateLambdaFunctionConfigurationDescriptionSchema,
  updateLambdaFunctionCode: UpdateLambdaFunctionCodeDescriptionSchema,
  deleteLambdaFunction: DeleteLambdaFunctionDescriptionSchema,
  invokeLambdaFunction: InvokeLambdaFunctionDescriptionSchema,
  publishLambdaFunctionVersion: PublishLambdaFunctionVersionDescriptionSchema,
  upsertLambdaFunctionAlias: UpsertLambdaFunctionAliasDescriptionSchema,
  deleteLambdaFunctionAlias: DeleteLambdaFunctionAliasDescriptionSchema,
  upsertLambdaFunctionEventMapping: LambdaEventMappingDescriptionSchema,
  deleteLambdaFunctionEventMapping: LambdaEventMappingDescriptionSchema,
  putLambdaReservedConcurrency: PutLambdaReservedConcurrencyDescriptionSchema,
  deleteLambdaReservedConcurrency: DeleteLambdaReservedConcurrencyDescriptionSchema,
  putLambdaProvisionedConcurrency: PutLambdaProvisionedConcurrencyDescriptionSchema,
  deleteLambdaProvisionedConcurrency: DeleteLambdaProvisionedConcurrencyDescriptionSchema,
} as const;
export type LambdaOperationName = keyof typeof lambdaDescriptionSchemas;

const listEntryShape = Object.fromEntries(Object.entries(lambdaDescriptionSchemas).map(([k, v]) => [k, v.optional()])) as {
  [K in LambdaOperationName]: z.ZodOptional<(typeof lambdaDescriptionSchemas)[K]>;
};
export const LambdaOperationListSchema = z
  .array(
    z.looseObject(listEntryShape).superRefine((entry, ctx) => {
      const keys = Object.keys(entry);
      if (keys.length !== 1) ctx.addIssue({ code: 'custom', message: `expected exactly one operation name, found ${keys.length}` });
      else if (!(keys[0]! in lambdaDescriptionSchemas)) ctx.addIssue({ code: 'custom', path: [keys[0]!], message: `unknown operation ${keys[0]}` });
    }),
  )
  .min(1)
  .max(20);

/** Orca's LambdaUpdateEventConfigurationTask reads functionArn, eventSourceArn, uuid, batchSize; Deck eventSourceArn, state. */
export const LambdaEventSourceMappingSchema = z.looseObject({
  uuid: z.string(),
  eventSourceArn: z.string(),
  functionArn: z.string(),
  batchSize: z.number().int().optional(),
  state: z.string().optional(),
  stateTransitionReason: z.string().optional(),
  lastModified: z.string().optional(),
  startingPosition: z.string().optional(),
  maximumBatchingWindowInSeconds: z.number().int().optional(),
});

export const LambdaAliasConfigurationSchema = z.looseObject({
  name: z.string(),
  aliasArn: z.string(),
  functionVersion: z.string().optional(),
  description: z.string().optional(),
  revisionId: z.string().optional(),
  routingConfig: z.object({ additionalVersionWeights: z.record(z.string(), z.number()).optional() }).optional(),
});

export const LambdaFunctionSchema = z.looseObject({
  functionName: z.string(),
  functionArn: z.string().optional(),
  account: z.string(),
  region: z.string(),
  cloudProvider: z.string().optional(),
  runtime: z.string().optional(),
  handler: z.string().optional(),
  role: z.string().optional(),
  version: z.string().optional(),
  revisionId: z.string().optional(),
  lastModified: z.string().optional(),
  state: z.string().optional(),
  lastUpdateStatus: z.string().optional(),
  packageType: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  revisions: z.record(z.string(), z.string()).optional(),
  aliasConfigurations: z.array(LambdaAliasConfigurationSchema).optional(),
  eventSourceMappings: z.array(LambdaEventSourceMappingSchema).optional(),
  targetGroups: z.array(z.string()).optional(),
  moniker: z
    .object({ app: z.string().optional(), stack: z.string().optional(), detail: z.string().optional(), cluster: z.string().optional() })
    .optional(),
});

export const LambdaRuntimeSchema = z.object({
  runtime: z.string(),
  family: z.string(),
  deprecated: z.boolean(),
  deprecationDate: z.string().optional(),
});

export const FunctionCacheRefreshSchema = z.object({
  credentials: str(256),
  account: str(256),
  region: z.string().min(1).max(64),
  functionName: z.string().min(1).max(140),
  appName: str(256),
});

export const FunctionCacheRefreshResultSchema = z.object({
  cachedIdentifiersByType: z.record(z.string(), z.array(z.string())),
  function: LambdaFunctionSchema.optional(),
});

export const FunctionCacheEntrySchema = z.object({
  id: z.string(),
  details: z.record(z.string(), z.string()),
  cacheTime: z.number().int(),
  processedCount: z.number().int(),
  processedTime: z.number().int(),
});
export const FunctionCacheQuerySchema = z.object({ id: z.string().min(1).max(512) });

export const ListFunctionsQuerySchema = z.object({
  account: z.string().max(256).optional(),
  region: z.string().max(64).optional(),
  functionName: z.string().max(256).optional(),
  provider: z.string().max(64).optional(),
});
export const ApplicationFunctionsParamsSchema = z.object({ application: z.string().min(1).max(256) });
export const ClientRequestIdQuerySchema = z.object({ clientRequestId: z.string().max(256).optional() });

type S = components['schemas'];
export type LambdaFunction = S['LambdaFunction'];
export type LambdaRuntime = S['LambdaRuntime'];
export type CreateLambdaFunctionDescription = S['CreateLambdaFunctionDescription'];
export type UpdateLambdaFunctionConfigurationDescription = S['UpdateLambdaFunctionConfigurationDescription'];
export type LambdaArtifact = S['LambdaArtifact'];

const _pins: [
  Pinned<z.infer<typeof StringMapSchema>, S['StringMap']>,
  Pinned<z.infer<typeof StringListSchema>, S['StringList']>,
  Pinned<z.infer<typeof LambdaArtifactSchema>, S['LambdaArtifact']>,
  Pinned<z.infer<typeof DestinationConfigSchema>, S['DestinationConfig']>,
  Pinned<z.infer<typeof AsyncInvokeConfigSchema>, S['AsyncInvokeConfig']>,
  Pinned<z.infer<typeof FunctionUrlConfigSchema>, S['FunctionUrlConfig']>,
  Pinned<z.infer<typeof LambdaFunctionSettingsSchema>, S['LambdaFunctionSettings']>,
  Pinned<z.infer<typeof LambdaDescriptionBaseSchema>, S['LambdaDescriptionBase']>,
  Pinned<z.infer<typeof CreateLambdaFunctionDescriptionSchema>, S['CreateLambdaFunctionDescription']>,
  Pinned<z.infer<typeof UpdateLambdaFunctionConfigurationDescriptionSchema>, S['UpdateLambdaFunctionConfigurationDescription']>,
  Pinned<z.infer<typeof UpdateLambdaFunctionCodeDescriptionSchema>, S['UpdateLambdaFunctionCodeDescription']>,
  Pinned<z.infer<typeof DeleteLambdaFunctionDescriptionSchema>, S['DeleteLambdaFunctionDescription']>,
  Pinned<z.infer<typeof InvokeLambdaFunctionDescriptionSchema>, S['InvokeLambdaFunctionDescription']>,
  Pinned<z.infer<typeof PublishLambdaFunctionVersionDescriptionSchema>, S['PublishLambdaFunctionVersionDescription']>,
  Pinned<z.infer<typeof UpsertLambdaFunctionAliasDescriptionSchema>, S['UpsertLambdaFunctionAliasDescription']>,
  Pinned<z.infer<typeof DeleteLambdaFunctionAliasDescriptionSchema>, S['DeleteLambdaFunctionAliasDescription']>,
  Pinned<z.infer<typeof LambdaEventMappingDescriptionSchema>, S['LambdaEventMappingDescription']>,
  Pinned<z.infer<typeof PutLambdaReservedConcurrencyDescriptionSchema>, S['PutLambdaReservedConcurrencyDescription']>,
  Pinned<z.infer<typeof DeleteLambdaReservedConcurrencyDescriptionSchema>, S['DeleteLambdaReservedConcurrencyDescription']>,
  Pinned<z.infer<typeof PutLambdaProvisionedConcurrencyDescriptionSchema>, S['PutLambdaProvisionedConcurrencyDescription']>,
  Pinned<z.infer<typeof DeleteLambdaProvisionedConcurrencyDescriptionSchema>, S['DeleteLambdaProvisionedConcurrencyDescription']>,
  Pinned<z.infer<typeof LambdaFunctionSchema>, S['LambdaFunction']>,
  Pinned<z.infer<typeof LambdaEventSourceMappingSchema>, S['LambdaEventSourceMapping']>,
  Pinned<z.infer<typeof LambdaAliasConfigurationSchema>, S['LambdaAliasConfiguration']>,
  Pinned<z.infer<typeof LambdaRuntimeSchema>, S['LambdaRuntime']>,
  Pinned<z.infer<typeof FunctionCacheRefreshSchema>, S['FunctionCacheRefresh']>,
  Pinned<z.infer<typeof FunctionCacheRefreshResultSchema>, S['FunctionCacheRefreshResult']>,
  Pinned<z.infer<typeof FunctionCacheEntrySchema>, S['FunctionCacheEntry']>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true];
void _pins;
