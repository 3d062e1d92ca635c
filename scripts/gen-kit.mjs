#!/usr/bin/env node
// The install kit and the Deck plugin bundle, generated from packages/deck-plugin/src/stages/definitions.ts:
//   → plugin-manifests/{orca,gate,clouddriver,halyard,operator,kustomize}/… and plugin-manifests/deck/stages.json
//   → README.md's "Stage reference" (between the stage-reference markers)
//   → packages/deck-plugin/build/dist/index.js (rollup, as @spinnaker/pluginsdk builds plugins)
//   → plugin-manifests/deck/deck.zip (index.js + map at the zip root, fixed timestamps) and plugins.json
// `--check` writes nothing and exits 1 when any of them is stale.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pluginDir = path.join(root, 'packages/deck-plugin');
const check = process.argv.includes('--check');
const stale = [];

const { build } = await import('esbuild');
// Inside the package (not /tmp) so the bundle's bare imports (yaml) resolve from node_modules.
mkdirSync(path.join(pluginDir, 'build'), { recursive: true });
const tmp = mkdtempSync(path.join(pluginDir, 'build', '.kit-'));
try {
  // 1. The kit generator is TypeScript: bundle it for this Node and import it.
  const out = path.join(tmp, 'kit.mjs');
  await build({
    entryPoints: [path.join(pluginDir, 'src/kit/index.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: out,
    packages: 'external',
    logLevel: 'error',
  });
  const kit = await import(pathToFileURL(out).href);

  const emit = (rel, content) => {
    const file = path.join(root, rel);
    const now = existsSync(file) ? readFileSync(file) : undefined;
    const next = Buffer.isBuffer(content) ? content : Buffer.from(content);
    if (now && now.equals(next)) return;
    if (check) return void stale.push(rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, next, rel.endsWith('.sh') ? { mode: 0o755 } : undefined);
    console.log(`wrote ${rel}`);
  };

  for (const [rel, content] of Object.entries(kit.kitFiles())) emit(rel, content);

  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const start = '<!-- stage-reference:start -->';
  const end = '<!-- stage-reference:end -->';
  const a = readme.indexOf(start);
  const b = readme.indexOf(end);
  if (a < 0 || b < a) {
    console.error(`README.md needs the markers ${start} … ${end}`);
    process.exit(1);
  }
  emit('README.md', readme.slice(0, a + start.length) + '\n' + kit.referencePage() + '\n' + readme.slice(b));

  // 2. The Deck plugin, built by rollup with the package's own config, zipped with fixed timestamps.
  const { rollup } = await import('rollup');
  const config = (await import(pathToFileURL(path.join(pluginDir, 'rollup.config.mjs')).href)).default;
  const cwd = process.cwd();
  process.chdir(pluginDir);
  let output;
  try {
    const bundle = await rollup({ ...config, onwarn: (w) => console.error(`rollup: ${w.message}`) });
    ({ output } = await bundle.generate(config.output));
    await bundle.close();
  } finally {
    process.chdir(cwd);
  }
  const files = {};
  for (const chunk of output) files[chunk.fileName] = Buffer.from(chunk.type === 'chunk' ? chunk.code : chunk.source);
  const index = output.find((c) => c.fileName === 'index.js');
  if (index && index.map) files['index.js.map'] = Buffer.from(index.map.toString());
  if (!check) {
    mkdirSync(path.join(pluginDir, 'build/dist'), { recursive: true });
    for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(pluginDir, 'build/dist', name), bytes);
  }
  const { zipSync } = await import('fflate');
  const mtime = new Date('2026-01-01T00:00:00Z');
  const zip = Buffer.from(
    zipSync(
      Object.fromEntries(Object.keys(files).sort().map((n) => [n, [new Uint8Array(files[n]), { mtime, level: 9 }]])),
    ),
  );
  emit('plugin-manifests/deck/deck.zip', zip);
  const sha512sum = createHash('sha512').update(zip).digest('hex');
  const indexFile = path.join(root, 'plugin-manifests/deck/plugins.json');
  let date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  try {
    const prev = JSON.parse(readFileSync(indexFile, 'utf8'));
    if (prev[0]?.releases?.[0]?.sha512sum === sha512sum) date = prev[0].releases[0].date;
  } catch {}
  emit('plugin-manifests/deck/plugins.json', JSON.stringify(kit.pluginsJson(sha512sum, date), null, 2) + '\n');
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

if (stale.length) {
  console.error(`gen-kit: stale (run \`npm run gen:kit\`): ${stale.join(', ')}`);
  process.exit(1);
}
