import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Writes the private var-file of a run (directory 0700, file 0600) and returns its path. */
export function writeVarFile(runDir: string, variables: Record<string, string>): string {
  mkdirSync(runDir, { recursive: true, mode: 0o700 });
  const file = path.join(runDir, 'variables.json');
  writeFileSync(file, JSON.stringify(variables, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}
