import type { BakeRequest, FieldError } from '@outrigger/contract';
import type { BakeProviderName } from './resolveRecipe.js';

/** Variables outrigger sets for every provider. */
const COMMON = [
  'bake_id',
  'image_name',
  'packages',
  'package_type',
  'repository',
  'upgrade',
  'appversion',
  'build_host',
  'build_info_url',
  'application',
  'configDir',
  'base_image',
] as const;

/**
 * Pure: the Packer variables outrigger sets itself, per provider. A request can never set them through
 * `extended_attributes`: they name where the image is written (`output_dir`, `image_name`), what the reaper trusts
 * (`bake_id`), which account and endpoint Packer talks to, and what is installed.
 */
export const RESERVED_VARIABLES: Record<BakeProviderName, readonly string[]> = {
  local: [...COMMON, 'region', 'output_dir'],
  aws: [
    ...COMMON,
    'aws_region',
    'aws_instance_type',
    'aws_source_ami',
    'aws_target_ami',
    'aws_ssh_username',
    'aws_winrm_username',
    'aws_spot_price',
    'aws_spot_price_auto_product',
    'aws_subnet_id',
    'aws_vpc_id',
    'aws_associate_public_ip_address',
    'aws_ena_support',
    'aws_endpoint_ec2',
    'aws_access_key',
    'aws_secret_key',
    'aws_session_token',
  ],
};

/** `copy_to_1..n` and `share_with_1..n` are unrolled by outrigger from `copy_to` / `share_with`. */
const UNROLLED = /^(copy_to|share_with)_\d+$/;

/** Pure: whether a request may not set this variable for this provider. */
export function isReservedVariable(provider: BakeProviderName, name: string): boolean {
  return RESERVED_VARIABLES[provider].includes(name) || UNROLLED.test(name);
}

/** Pure: a 400 entry for every `extended_attributes` key that names a reserved variable (values are never shown). */
export function reservedVariableErrors(provider: BakeProviderName, req: BakeRequest): FieldError[] {
  return Object.keys(req.extended_attributes ?? {})
    .filter((k) => isReservedVariable(provider, k))
    .map((k) => ({ field: `$.body.extended_attributes.${k}`, message: `${k} is a Packer variable outrigger sets itself for ${provider} bakes; a request cannot set it` }));
}
