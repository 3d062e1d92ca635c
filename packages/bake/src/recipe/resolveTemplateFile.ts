import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '@outrigger/runtime';

/**
 * A template or var file named by a request, looked up in the operator's template directory, then in the templates
 * outrigger ships. A name that is absolute or climbs out of its directory is refused.
 */
export function resolveTemplateFile(name: string, dirs: string[], field: string): { file: string; dir: string } {
  if (!name || path.isAbsolute(name) || name.includes('\0')) {
    throw new InputError('Validation Failed', { errors: [{ field, message: 'must name a file inside the template directory (a relative path)' }] });
  }
  for (const dir of dirs) {
    const root = path.resolve(dir);
    const file = path.resolve(root, name);
    if (file !== root && !file.startsWith(root + path.sep)) {
      throw new InputError('Validation Failed', { errors: [{ field, message: 'must name a file inside the template directory; it escapes it' }] });
    }
    if (existsSync(file) && statSync(file).isFile()) return { file, dir: root };
  }
  throw new InputError('Validation Failed', { errors: [{ field, message: `no such file "${name}" in the template directory` }] });
}
