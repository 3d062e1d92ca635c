import { z } from 'zod';
import type { components } from '../generated/openapi.js';
import type { Pinned } from './pin.js';
import { ArtifactSchema } from './tasks.js';

const str = (max: number) => z.string().max(max);

/** A kork Artifact naming a package (unknown keys stripped). */
export const PackageArtifactSchema = z.object({
  type: str(256),
  name: str(1024).optional(),
  version: str(256).optional(),
  location: str(256).optional(),
  reference: str(2048).optional(),
  artifactAccount: str(256).optional(),
  provenance: str(2048).optional(),
  uuid: str(128).optional(),
  customKind: z.boolean().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

/** Rosco's BakeRequest with its literal snake_case names. Unknown keys (Orca's whole stage context) are stripped. */
export const BakeRequestSchema = z.object({
  request_id: str(128).optional(),
  user: str(256).optional(),
  package: str(4096).optional(),
  package_artifacts: z.array(PackageArtifactSchema).max(100).optional(),
  build_host: str(1024).optional(),
  job: str(1024).optional(),
  build_number: str(256).optional(),
  commit_hash: str(256).optional(),
  build_info_url: str(2048).optional(),
  cloud_provider_type: z.enum(['alicloud', 'aws', 'azure', 'docker', 'gce', 'huaweicloud', 'oracle', 'tencentcloud', 'local']).optional(),
  base_os: str(256).optional(),
  base_label: str(64).optional(),
  base_name: str(256).optional(),
  base_ami: str(256).optional(),
  vm_type: z.enum(['pv', 'hvm']).optional(),
  store_type: str(32).optional(),
  enhanced_networking: z.boolean().optional(),
  ami_name: str(128).optional(),
  ami_suffix: str(128).optional(),
  upgrade: z.boolean().optional(),
  instance_type: str(64).optional(),
  organization: str(256).optional(),
  template_file_name: str(256).optional(),
  var_file_name: str(256).optional(),
  extended_attributes: z
    .record(z.string(), z.union([str(4096), z.number(), z.boolean()]))
    .refine((m) => Object.keys(m).length <= 200, { message: 'at most 200 extended attributes' })
    .optional(),
  account_name: str(128).optional(),
  spinnaker_execution_id: str(512).optional(),
  os_type: str(32).optional(),
  package_type: str(32).optional(),
});

export const BakeStatusSchema = z.object({
  id: z.string(),
  state: z.enum(['RUNNING', 'COMPLETED', 'CANCELED']),
  result: z.enum(['SUCCESS', 'FAILURE']).optional(),
  resource_id: z.string(),
  queue_position: z.number().int().optional(),
  message: z.string().optional(),
  created_timestamp: z.number().int().optional(),
  updated_timestamp: z.number().int().optional(),
});

export const BakeSchema = z.object({
  id: z.string(),
  ami: z.string().optional(),
  image_name: z.string().optional(),
  base_ami: z.string().optional(),
  regions: z.array(z.string()).optional(),
  artifact: ArtifactSchema.optional(),
  artifacts: z.array(ArtifactSchema).optional(),
});

export const BakeLogsSchema = z.object({
  logsContent: z.string(),
  offset: z.number().int().optional(),
  nextOffset: z.number().int().optional(),
  complete: z.boolean().optional(),
});

export const BaseImageSchema = z.object({
  id: z.string(),
  shortDescription: z.string().optional(),
  detailedDescription: z.string().optional(),
  packageType: z.string().optional(),
  templateFile: z.string().optional(),
  osType: z.string().optional(),
  customRepository: z.string().optional(),
});

export const BakeOptionsSchema = z.object({
  cloudProvider: z.string(),
  baseImages: z.array(BaseImageSchema),
});

export const DeleteRequestsSchema = z.object({
  pipelineExecutionIds: z.array(str(256)).max(1000),
});

export const InstanceStatusSchema = z.object({
  status: z.enum(['RUNNING', 'IDLE']),
  bakes: z.array(BakeStatusSchema),
});

export const AllInstancesStatusSchema = z.object({
  instance: z.string(),
  instances: z.record(z.string(), InstanceStatusSchema),
});

export const ManifestBakeRequestSchema = z.record(z.string(), z.unknown());

export const ImageRetentionRequestSchema = z.object({
  application: z.string().min(1).max(256),
  keep: z.number().int().min(0).max(1000),
  account_name: str(128).optional(),
  dry_run: z.boolean().optional(),
});

export const ImageRetentionResultSchema = z.object({
  application: z.string(),
  region: z.string(),
  dryRun: z.boolean(),
  kept: z.array(z.string()),
  removed: z.array(z.string()),
  skipped: z.array(z.object({ imageId: z.string(), reason: z.string() })),
});

export const RegionParamsSchema = z.object({ region: z.string().min(1).max(64) });
export const BakeStatusParamsSchema = RegionParamsSchema.extend({ statusId: z.string().min(1).max(128) });
export const BakeIdParamsSchema = RegionParamsSchema.extend({ bakeId: z.string().min(1).max(128) });
export const ImageLogsParamsSchema = RegionParamsSchema.extend({ imageId: z.string().min(1).max(256) });
export const CloudProviderParamsSchema = z.object({ cloudProvider: z.string().min(1).max(64) });
export const BaseImageParamsSchema = CloudProviderParamsSchema.extend({ imageId: z.string().min(1).max(256) });
export const ManifestTypeParamsSchema = z.object({ type: z.string().min(1).max(32) });
export const CreateBakeQuerySchema = z.object({ rebake: z.string().max(8).optional() });
export const BakeLogsQuerySchema = z.object({
  offset: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(10000).optional(),
  follow: z.enum(['true', 'false']).optional(),
});

type S = components['schemas'];
export type BakeRequest = S['BakeRequest'];
export type PackageArtifact = S['PackageArtifact'];
export type BakeStatus = S['BakeStatus'];
export type Bake = S['Bake'];
export type BakeLogs = S['BakeLogs'];
export type BaseImage = S['BaseImage'];
export type BakeOptions = S['BakeOptions'];
export type DeleteRequests = S['DeleteRequests'];
export type InstanceStatus = S['InstanceStatus'];
export type AllInstancesStatus = S['AllInstancesStatus'];
export type ImageRetentionRequest = S['ImageRetentionRequest'];
export type ImageRetentionResult = S['ImageRetentionResult'];

const _pins: [
  Pinned<z.infer<typeof BakeRequestSchema>, BakeRequest>,
  Pinned<z.infer<typeof PackageArtifactSchema>, PackageArtifact>,
  Pinned<z.infer<typeof BakeStatusSchema>, BakeStatus>,
  Pinned<z.infer<typeof BakeSchema>, Bake>,
  Pinned<z.infer<typeof BakeLogsSchema>, BakeLogs>,
  Pinned<z.infer<typeof BaseImageSchema>, BaseImage>,
  Pinned<z.infer<typeof BakeOptionsSchema>, BakeOptions>,
  Pinned<z.infer<typeof DeleteRequestsSchema>, DeleteRequests>,
  Pinned<z.infer<typeof InstanceStatusSchema>, InstanceStatus>,
  Pinned<z.infer<typeof AllInstancesStatusSchema>, AllInstancesStatus>,
  Pinned<z.infer<typeof ImageRetentionRequestSchema>, ImageRetentionRequest>,
  Pinned<z.infer<typeof ImageRetentionResultSchema>, ImageRetentionResult>,
] = [true, true, true, true, true, true, true, true, true, true, true, true];
void _pins;
