export { compose } from './compose.js';
export type { ComposeOptions, Composed } from './compose.js';
export { serve } from './serve.js';
export type { ServeOptions, Serving } from './serve.js';
export { providerFactories } from './providers.js';
export { createClouddriverPassthrough } from './createClouddriverPassthrough.js';
export { createPluginRepositoryProvider, loadDeckBundle } from './plugins/createPluginRepositoryProvider.js';
