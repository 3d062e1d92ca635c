import type { Router } from 'express';
import { NotFoundError } from '@outrigger/runtime';
import type { PluginRepositoryDeps } from './createPluginRepositoryProvider.js';

/** `GET /plugins/repository/deck.zip`: the bytes whose digest plugins.json names. */
export function bindGetDeckPluginBundle(router: Router, deps: PluginRepositoryDeps): void {
  deps.bind(router, 'getDeckPluginBundle', ({ res }) => {
    const bundle = deps.bundle();
    if (!bundle) throw new NotFoundError('The Deck plugin bundle is not installed (plugin-manifests/deck/deck.zip; run `npm run gen:kit`)');
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Disposition', 'attachment; filename="deck.zip"');
    res.setHeader('ETag', `"${bundle.sha512sum.slice(0, 32)}"`);
    res.end(bundle.zip);
  });
}
