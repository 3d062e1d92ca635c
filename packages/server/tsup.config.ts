import { defineConfig } from 'tsup';

// One self-contained ESM bundle of the CLI: the workspace packages are compiled in, npm dependencies stay external.
export default defineConfig({
  entry: { cli: 'src/cli.ts', index: 'src/index.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node22',
  outDir: 'dist',
  clean: true,
  sourcemap: true,
  splitting: true,
  noExternal: [/^@outrigger\//],
  external: [/^(?!@outrigger\/)[a-z@][^:]*$/],
  tsconfig: 'tsconfig.build.json',
});
