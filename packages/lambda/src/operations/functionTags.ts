import { monikerTags } from '../naming.js';
import type { OperationContext } from './OperationContext.js';

/** Where outrigger records a function's code source, so a repeated create can tell whether the code is the same. */
export const CODE_SOURCE_TAG = 'outrigger.io/code-source';

/** Tags a create or update writes: moniker tags (when enabled), the description's tags, and the code source. */
export function tagsFor(ctx: OperationContext, d: { appName?: string | null; tags?: Record<string, string> | null }, name: string, codeSource?: string) {
  return {
    ...(ctx.config.setMonikerTags && d.appName ? monikerTags(d.appName, name) : {}),
    ...(d.tags ?? {}),
    ...(codeSource ? { [CODE_SOURCE_TAG]: codeSource.slice(0, 256) } : {}),
  };
}
