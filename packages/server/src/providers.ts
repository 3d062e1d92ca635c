import { createBakeProvider } from '@outrigger/bake';
import { createEcsProvider } from '@outrigger/ecs';
import { createLambdaProvider } from '@outrigger/lambda';
import type { Provider, ProviderDeps } from '@outrigger/runtime';
import { createPluginRepositoryProvider } from './plugins/createPluginRepositoryProvider.js';

/**
 * The providers `outrigger serve` composes, in mount order. Each package exports one factory taking `ProviderDeps`;
 * add it here when it lands.
 */
export const providerFactories: ((deps: ProviderDeps) => Provider | Promise<Provider>)[] = [
  (deps) => createEcsProvider(deps),
  createLambdaProvider,
  createBakeProvider,
  (deps) => createPluginRepositoryProvider(deps),
];
