#!/usr/bin/env node
// The `outrigger` command as npm links it into node_modules/.bin at install time, before anything is built: it runs
// the built CLI (packages/server/dist/cli.js, made by `npm run build` or `npm start`), or says how to build it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('outrigger: the CLI is not built yet: run `npm run build` (or `npm start`) in the checkout first\n');
  process.exit(1);
}
await import(cli.href);
