// Built the way @spinnaker/pluginsdk builds a Deck plugin (pluginconfig/rollup.config.js): input src/index.ts, ES
// module output in build/dist with a source map, and Deck's shared libraries mapped to the globals Deck exposes on
// window.spinnaker.plugins.sharedLibraries (deck/packages/core/src/plugins/sharedLibraries.ts) — never bundled.
import esbuild from 'rollup-plugin-esbuild';
import externalGlobals from 'rollup-plugin-external-globals';

export const sharedLibraryNames = [
  'ajv',
  '@spinnaker/core',
  '@spinnaker/kayenta',
  '@uirouter/core',
  '@uirouter/react',
  '@uirouter/rx',
  'lodash',
  'prop-types',
  'react',
  'react-dom',
  'react-redux',
  'redux-actions',
  'reselect',
  'rxjs',
  'rxjs/Observable',
];
const globals = Object.fromEntries(sharedLibraryNames.map((n) => [n, `spinnaker.plugins.sharedLibraries.${n.replace(/\W/g, '_')}`]));

export default {
  input: 'src/index.ts',
  external: sharedLibraryNames,
  output: { dir: 'build/dist', format: 'es', sourcemap: true, entryFileNames: 'index.js' },
  plugins: [
    esbuild({ target: 'es2019', jsx: 'transform', jsxFactory: 'React.createElement', jsxFragment: 'React.Fragment', minify: false, tsconfig: 'tsconfig.json' }),
    externalGlobals(globals),
  ],
};
