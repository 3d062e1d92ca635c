import { composeApp, type ComposeOptions, type Composed } from '@outrigger/runtime';
import { providerFactories } from './providers.js';

/** `composeApp` with every provider `outrigger serve` ships, unless the caller names its own. */
export function compose(options: Omit<ComposeOptions, 'providers'> & Partial<Pick<ComposeOptions, 'providers'>>): Promise<Composed> {
  return composeApp({ ...options, providers: options.providers ?? providerFactories });
}

export type { ComposeOptions, Composed };
