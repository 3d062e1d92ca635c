// Bundles the harness page (test/deck/harness/harness.js with the real @spinnaker/core, React, ReactDOM … from the
// npm registry) with esbuild, as deck-harness.md describes: file loaders for core's fonts and images, core's
// `root/version.json` alias, a stand-in for @spinnaker/kayenta (not published with core 0.29.1's dependencies).
import path from 'node:path';
import { build } from 'esbuild';

export async function buildHarness(outdir: string): Promise<void> {
  const here = path.join(import.meta.dirname, 'harness');
  await build({
    entryPoints: [path.join(here, 'harness.js')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    outdir,
    minify: true,
    loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file', '.png': 'file', '.gif': 'file', '.otf': 'file' },
    alias: { 'root/version.json': path.join(here, 'version.json'), '@spinnaker/kayenta': path.join(here, 'kayentaStub.js') },
    define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
    logLevel: 'error',
  });
}

export const harnessHtml = `<!doctype html>
<html><head><meta charset="utf-8"><title>outrigger Deck plugin harness</title><link rel="stylesheet" href="/harness.css"></head>
<body class="spinnaker"><div id="ng"></div><div id="root" style="padding: 12px; max-width: 1100px"></div>
<script type="module" src="/harness.js"></script></body></html>`;
