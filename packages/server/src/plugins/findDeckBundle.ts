import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository-relative place of the Deck plugin's static copy (zip and its plugins.json). */
export const DECK_BUNDLE_DIR = path.join('plugin-manifests', 'deck');

/**
 * The directory holding `deck.zip` and `plugins.json`: `OUTRIGGER_DECK_BUNDLE_DIR` when set, else
 * `plugin-manifests/deck` found upwards from this module (works from src/ under vitest and from dist/ after a build).
 */
export function findDeckBundleDir(from = path.dirname(fileURLToPath(import.meta.url))): string | undefined {
  const env = process.env.OUTRIGGER_DECK_BUNDLE_DIR;
  if (env) return env;
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, DECK_BUNDLE_DIR);
    if (existsSync(path.join(candidate, 'deck.zip'))) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}
