#!/usr/bin/env node
// `npm test`: everything the tests need, then the drift checks, then every test, ending with `N passed, N failed`.
//  1. Packer (Debian's `packer` package) must be on PATH: the bake tests run the real Packer. As root with apt-get,
//     it is installed; otherwise the exact command to run is printed.
//     Chromium (Debian's `chromium` package) likewise, for the Deck plugin's browser test.
//  2. `npm run check`: the spec lints clean, generated files are current, `tsc -b` passes over packages and tests.
//  3. `npm run build` (the end-to-end tests run the built CLI).
//  4. vitest over packages/*/src and test/, with the totals printed as one plain line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { stdio: 'inherit', ...opts });
const has = (cmd) => spawnSync(cmd, ['version'], { stdio: 'ignore' }).status === 0;

function ensurePacker() {
  if (has('packer')) return;
  const manual = 'install it with: sudo apt-get update && sudo apt-get install -y packer   (Debian/Ubuntu package "packer")';
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0) {
    console.error(`npm test: Packer is not on PATH and cannot be installed from here; ${manual}`);
    process.exit(1);
  }
  console.log('npm test: installing Packer from Debian packages (apt-get install -y packer)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = run('apt-get', ['install', '-y', '--no-install-recommends', 'packer'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) {
    run('apt-get', ['update'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    r = run('apt-get', ['install', '-y', '--no-install-recommends', 'packer'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  if (r.status !== 0 || !has('packer')) {
    console.error(`npm test: apt-get could not install Packer (exit ${r.status}); ${manual}`);
    process.exit(1);
  }
}

// The Deck plugin's browser test drives Debian's `chromium` (test/deck/deckPlugin.browser.test.ts) with playwright-core.
function ensureChromium() {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(chromium)) return;
  const manual = 'install it with: sudo apt-get update && sudo apt-get install -y chromium   (Debian package "chromium"; or set CHROMIUM_PATH)';
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0) {
    console.error(`npm test: ${chromium} is missing and cannot be installed from here; ${manual}`);
    process.exit(1);
  }
  console.log('npm test: installing Chromium from Debian packages (apt-get install -y chromium)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) {
    run('apt-get', ['update'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    r = run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  if (r.status !== 0 || !existsSync(chromium)) {
    console.error(`npm test: apt-get could not install Chromium (exit ${r.status}); ${manual}`);
    process.exit(1);
  }
}

ensurePacker();
ensureChromium();
const check = run('npm', ['run', '-s', 'check']);
if (check.status !== 0) {
  console.error('npm test: `npm run check` failed (contract drift or type errors); see above.');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// The end-to-end tests run the built `outrigger` command.
const build = run('npm', ['run', '-s', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) {
  console.error('npm test: `npm run build` failed; see above.');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// The PostgreSQL suites run against OUTRIGGER_TEST_PG_URL (default: the local server's `test` database). With no
// server they skip, said here in one line; OUTRIGGER_TEST_PG_REQUIRED=1 (set by .ci/run) makes that a failure.
const pgUrl = process.env.OUTRIGGER_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const pgDown = await (async () => {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return err?.message || String(err);
  } finally {
    await client.end().catch(() => {});
  }
})();
if (pgDown && process.env.OUTRIGGER_TEST_PG_REQUIRED === '1') {
  console.error(`npm test: PostgreSQL at ${pgUrl} does not answer (${pgDown}) and OUTRIGGER_TEST_PG_REQUIRED=1; start it or set OUTRIGGER_TEST_PG_URL.`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
if (pgDown) console.log(`npm test: PostgreSQL at ${pgUrl} does not answer (${pgDown}); skipping the PostgreSQL suites (set OUTRIGGER_TEST_PG_URL to run them).`);

const dir = mkdtempSync(path.join(tmpdir(), 'outrigger-test-'));
const report = path.join(dir, 'vitest.json');
const vitest = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)]);
let passed = 0;
let failed = 0;
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed = r.numPassedTests;
  failed = r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0) + r.testResults.filter((f) => f.status === 'failed' && !f.assertionResults.length).length;
} catch {
  failed = Math.max(failed, 1);
}
rmSync(dir, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exit(vitest.status === 0 && failed === 0 ? 0 : 1);
