// The runtime the project brings: Node.js from the npm registry, nothing compiled at install time.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
  allowScripts: Record<string, boolean>;
};
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; hasInstallScript?: boolean; dev?: boolean }>;
};

describe('the Node.js runtime', () => {
  it('is Node.js 24 LTS from the npm registry, pinned, and engines names 22.13 (node:sqlite unflagged) as the oldest', () => {
    expect(pkg.devDependencies.node).toMatch(/^24\.\d+\.\d+$/);
    expect(lock.packages['node_modules/node']?.version).toBe(pkg.devDependencies.node);
    expect(pkg.engines.node).toBe('>=22.13');
  });

  it('the tests run on a Node.js that engines allows, with node:sqlite built in', async () => {
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
    expect(major > 22 || (major === 22 && minor >= 13), `running on ${process.version}`).toBe(true);
    const { DatabaseSync } = await import('node:sqlite');
    expect(typeof DatabaseSync).toBe('function');
  });

  it('compiles nothing at install time: no native addon, and only reviewed install scripts (npm allowScripts)', () => {
    const withScripts = Object.entries(lock.packages)
      .filter(([k, v]) => k.startsWith('node_modules/') && v.hasInstallScript)
      .map(([k]) => k.slice(k.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(withScripts.filter((name) => !(name in pkg.allowScripts))).toEqual([]);
    const native = Object.keys(lock.packages).filter((k) => k.startsWith('node_modules/') && existsSync(path.join(root, k, 'binding.gyp')));
    expect(native).toEqual([]);
    expect(lock.packages['node_modules/better-sqlite3']).toBeUndefined();
  });
});
