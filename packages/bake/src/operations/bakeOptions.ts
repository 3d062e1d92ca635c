import type { BakeOptions, BaseImage } from '@outrigger/contract';
import { NotFoundError } from '@outrigger/runtime';
import type { BakeConfig, BaseImageEntry } from '../config/BakeConfigSchema.js';

function toBaseImage(e: BaseImageEntry): BaseImage {
  const b = e.baseImage;
  return {
    id: b.id,
    ...(b.shortDescription ? { shortDescription: b.shortDescription } : {}),
    ...(b.detailedDescription ? { detailedDescription: b.detailedDescription } : {}),
    ...(b.packageType ? { packageType: b.packageType.toUpperCase() } : {}),
    ...(b.templateFile ? { templateFile: b.templateFile } : {}),
    ...(b.osType ? { osType: b.osType } : {}),
    ...(b.customRepository ? { customRepository: b.customRepository } : {}),
  };
}

/** Rosco's BakeOptions for every enabled provider, from the `bakeryDefaults.baseImages` config. */
export function bakeOptionsOf(config: BakeConfig): BakeOptions[] {
  return [
    ...(config.aws.enabled ? [{ cloudProvider: 'aws', baseImages: config.aws.bakeryDefaults.baseImages.map(toBaseImage) }] : []),
    ...(config.local.enabled ? [{ cloudProvider: 'local', baseImages: config.local.bakeryDefaults.baseImages.map(toBaseImage) }] : []),
  ];
}

/** One provider's BakeOptions; 404 with Rosco's message when it is not enabled. */
export function bakeOptionsFor(config: BakeConfig, provider: string): BakeOptions {
  const o = bakeOptionsOf(config).find((x) => x.cloudProvider === provider);
  if (!o) throw new NotFoundError(`Bake options not found. Cloud provider ${provider} not found`);
  return o;
}
