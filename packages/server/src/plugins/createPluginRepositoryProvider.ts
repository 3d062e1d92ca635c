import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import { PluginInfoSchema, type PluginInfo } from '@outrigger/contract';
import type { Provider, ProviderDeps } from '@outrigger/runtime';
import { findDeckBundleDir } from './findDeckBundle.js';
import { bindGetDeckPluginBundle } from './GetDeckPluginBundle.js';
import { bindGetPluginRepository } from './GetPluginRepository.js';
import { bindListAccounts } from './ListAccounts.js';

export interface DeckBundle {
  zip: Buffer;
  sha512sum: string;
  index: PluginInfo[];
}

export type PluginRepositoryDeps = Pick<ProviderDeps, 'bind' | 'authorizer' | 'config'> & { bundle: () => DeckBundle | undefined };

/** Reads `deck.zip` and its `plugins.json` once; the digest is of these bytes, the ones served. */
export function loadDeckBundle(dir: string): DeckBundle {
  const zip = readFileSync(path.join(dir, 'deck.zip'));
  const index = PluginInfoSchema.array().parse(JSON.parse(readFileSync(path.join(dir, 'plugins.json'), 'utf8')));
  return { zip, sha512sum: createHash('sha512').update(zip).digest('hex'), index };
}

/**
 * The Deck plugin's doors: a pf4j plugin repository Gate reads (`plugins.json` + `deck.zip`), and `/accounts` for the
 * stage forms' pickers. Health says whether the bundle is installed.
 */
export function createPluginRepositoryProvider(deps: ProviderDeps & { bundleDir?: string }): Provider {
  const dir = deps.bundleDir ?? findDeckBundleDir();
  let bundle: DeckBundle | undefined;
  let problem: string | undefined;
  try {
    if (!dir) throw new Error('plugin-manifests/deck/deck.zip not found');
    bundle = loadDeckBundle(dir);
  } catch (err) {
    problem = (err as Error).message;
    deps.logger.warn({ err: problem }, 'Deck plugin bundle not served: Gate will find no release in /plugins/repository/plugins.json');
  }
  const router = Router();
  const own: PluginRepositoryDeps = { bind: deps.bind, authorizer: deps.authorizer, config: deps.config, bundle: () => bundle };
  bindGetPluginRepository(router, own);
  bindGetDeckPluginBundle(router, own);
  bindListAccounts(router, own);
  return {
    name: 'deckPlugin',
    router,
    // A missing bundle is not a reason to take outrigger out of service: UP, saying so.
    health: async () => ({ status: 'UP', details: bundle ? { bundle: 'deck.zip', sha512sum: bundle.sha512sum.slice(0, 16) } : { bundle: 'missing', reason: problem } }),
  };
}
