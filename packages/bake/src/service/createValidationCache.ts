import path from 'node:path';
import { InputError, UpstreamError } from '@outrigger/runtime';
import { buildValidateArgs } from '../packer/buildPackerArgs.js';
import { PackerUnavailableError, validateTemplate } from '../packer/runPacker.js';
import { sha256 } from '../recipe/bakeKey.js';
import { createRedactor } from '../recipe/findSecrets.js';
import type { Recipe } from '../recipe/resolveRecipe.js';

/** `packer validate` before a bake is queued, cached by template + var-file content. */
export interface ValidationCache {
  /** Resolves when the recipe's template validates; a 400 naming `template_file_name` when it does not. */
  validate(recipe: Recipe, privateVarFile: string): Promise<void>;
  /** The templates changed: forget every cached result. */
  clear(): void;
}

/** Successes only are cached; concurrent identical checks share one Packer run. */
export function createValidationCache(deps: { binary: string; hidePaths: (text: string) => string }): ValidationCache {
  const validated = new Map<string, Promise<string | undefined>>();
  return {
    async validate(recipe, privateVarFile) {
      const key = sha256(JSON.stringify([recipe.template, recipe.templateContent, recipe.varFileContents]));
      let p = validated.get(key);
      if (!p) {
        p = validateTemplate({
          binary: deps.binary,
          args: buildValidateArgs({ template: recipe.template, privateVarFile, varFiles: recipe.varFiles }),
          cwd: recipe.templateDir,
        });
        validated.set(key, p);
        void p.then((msg) => msg !== undefined && validated.delete(key), () => validated.delete(key));
      }
      let message: string | undefined;
      try {
        message = await p;
      } catch (err) {
        if (err instanceof PackerUnavailableError) throw new UpstreamError('packer', `${err.message}; install Packer or set bake.packer.binary`);
        throw err;
      }
      if (message !== undefined) {
        throw new InputError(`packer validate failed for ${path.basename(recipe.template)}: ${deps.hidePaths(createRedactor(recipe.masked)(message))}`, {
          errors: [{ field: '$.body.template_file_name', message: 'the template does not validate' }],
        });
      }
    },
    clear: () => validated.clear(),
  };
}
