import type { BakeRequest } from '@outrigger/contract';
import { InputError } from '@outrigger/runtime';
import type { BakeConfig } from '../config/BakeConfigSchema.js';
import type { BakeProviderName } from '../recipe/resolveRecipe.js';

/** Pure: the bake providers this bakery runs. */
export function enabledProviders(config: BakeConfig): BakeProviderName[] {
  return [...(config.aws.enabled ? (['aws'] as const) : []), ...(config.local.enabled ? (['local'] as const) : [])];
}

/** Pure: the provider a request bakes with (`cloud_provider_type`, else the default); a 400 when it is not enabled. */
export function providerFor(config: BakeConfig, request: BakeRequest): BakeProviderName {
  const p = request.cloud_provider_type ?? config.defaultCloudProviderType;
  if ((enabledProviders(config) as string[]).includes(p)) return p as BakeProviderName;
  throw new InputError('Validation Failed', {
    errors: [{ field: '$.body.cloud_provider_type', message: `cloud provider ${p} is not enabled in outrigger's bakery (enabled: ${enabledProviders(config).join(', ')})` }],
  });
}
