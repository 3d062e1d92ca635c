import type { Router } from 'express';
import type { PluginInfo } from '@outrigger/contract';
import type { PluginRepositoryDeps } from './createPluginRepositoryProvider.js';

/** `GET /plugins/repository/plugins.json`: the static index with `sha512sum` of the zip this process serves. */
export function bindGetPluginRepository(router: Router, deps: PluginRepositoryDeps): void {
  deps.bind(router, 'getPluginRepository', ({ res }) => {
    const bundle = deps.bundle();
    res.setHeader('Cache-Control', 'no-cache');
    if (!bundle) return [];
    return bundle.index.map((p): PluginInfo => ({ ...p, releases: p.releases.map((r) => ({ ...r, url: 'deck.zip', sha512sum: bundle.sha512sum })) }));
  });
}
