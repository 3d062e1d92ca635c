import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const packagesDir = path.join(root, 'packages');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    if (statSync(p).isDirectory()) return n === 'node_modules' || n === 'generated' ? [] : sources(p);
    return /\.(ts|tsx|mts|mjs)$/.test(n) ? [p] : [];
  });
}

/** Every `@outrigger/<pkg>` a package's sources (tests and fixtures included) import. */
function importedWorkspacePackages(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of sources(path.join(dir, 'src'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"](@outrigger\/[a-z-]+)(?:\/[^'"]*)?['"]/g)) {
      if (!found.has(m[1]!)) found.set(m[1]!, path.relative(root, file));
    }
  }
  return found;
}

describe('workspace package graph', () => {
  const pkgs = readdirSync(packagesDir).filter((d) => statSync(path.join(packagesDir, d, 'package.json'), { throwIfNoEntry: false }));
  const manifest = (d: string) =>
    JSON.parse(readFileSync(path.join(packagesDir, d, 'package.json'), 'utf8')) as { name: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> };

  it.each(pkgs)('packages/%s imports only the workspace packages its package.json declares', (d) => {
    const m = manifest(d);
    const declared = new Set([m.name, ...Object.keys(m.dependencies ?? {}), ...Object.keys(m.devDependencies ?? {})]);
    const undeclared = [...importedWorkspacePackages(path.join(packagesDir, d))].filter(([name]) => !declared.has(name)).map(([name, file]) => `${name} (${file})`);
    expect(undeclared).toEqual([]);
  });

  it('has no cycle between workspace packages', () => {
    const edges = new Map(pkgs.map((d) => [manifest(d).name, Object.keys(manifest(d).dependencies ?? {}).filter((n) => n.startsWith('@outrigger/'))]));
    const cycles: string[] = [];
    const visit = (n: string, stack: string[]) => {
      if (stack.includes(n)) return void cycles.push([...stack.slice(stack.indexOf(n)), n].join(' → '));
      for (const next of edges.get(n) ?? []) visit(next, [...stack, n]);
    };
    for (const n of edges.keys()) visit(n, []);
    expect(cycles).toEqual([]);
  });
});
