export { createBakeProvider, shippedTemplatesDir } from './createBakeProvider.js';
export type { BakeProvider } from './createBakeProvider.js';
export { createBakeService } from './createBakeService.js';
export type { BakeService, BakeServiceDeps, SubmitOptions } from './createBakeService.js';
export { BakeConfigSchema } from './config/BakeConfigSchema.js';
export type { BakeConfig } from './config/BakeConfigSchema.js';
export { parseMachineReadable, parseLine, amazonImages, fileArtifacts } from './packer/parseMachineReadable.js';
export type { PackerArtifact, PackerLine, PackerRunSummary, RegionImage } from './packer/parseMachineReadable.js';
