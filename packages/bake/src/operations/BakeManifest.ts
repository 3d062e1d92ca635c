import { NotImplementedError } from '@outrigger/runtime';
import type { BakeOperationDeps } from './BakeOperationDeps.js';

/** `POST /api/v2/manifest/bake/{type}`: 501, Rosco keeps serving manifest bakes. */
export function bindBakeManifest({ router, deps }: BakeOperationDeps): void {
  deps.bind(router, 'bakeManifest', ({ params }) => {
    throw new NotImplementedError(
      `Manifest bakes (${params.type}: Helm, Kustomize, Helmfile, CloudFoundry) are not served by outrigger; Rosco keeps serving /api/v2/manifest/bake/{type}. ` +
        'Register outrigger for image bakes only (bakery.baseUrls) and leave services.rosco.baseUrl on Rosco.',
    );
  });
}
