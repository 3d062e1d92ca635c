export { compose } from './compose.js';
export type { ComposeOptions, Composed } from './compose.js';
export { serve } from './serve.js';
export type { ServeOptions, Serving } from './serve.js';
export { providerFactories } from './providers.js';
export { createClouddriverPassthrough } from './createClouddriverPassthrough.js';
// The Lambda provider with injectable clock, and the manual clock, for the inventory bench (test/bench/lambda-inventory.bench.mjs).
export { makeLambdaProvider, createManualClock } from '@outrigger/lambda';
export { createPluginRepositoryProvider, loadDeckBundle } from './plugins/createPluginRepositoryProvider.js';
// The config schema, so benches build a full config from the few fields they set.
export { ConfigSchema } from '@outrigger/runtime';
