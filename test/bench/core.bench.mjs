// Foundation rows: start to health UP and idle RSS of `outrigger serve` (the built CLI, embedded defaults), and
// GET /health throughput of outrigger against a bare express app answering the same body, side by side.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, load, median, rssMiB, start, stop, waitFor } from './support.mjs';

export default async function ({ root }) {
  const cli = path.join(root, 'packages/server/dist/cli.js');
  const rows = [];

  // Start to health UP, five cold starts (each on a fresh data directory).
  const startups = [];
  let idleRss = NaN;
  let healthBody = '{"status":"UP"}';
  for (let i = 0; i < 5; i++) {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'outrigger-bench-'));
    const port = await freePort();
    const t0 = performance.now();
    const child = start(process.execPath, [cli, 'serve', '--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir], { cwd: dataDir });
    const res = await waitFor(`http://127.0.0.1:${port}/health`);
    startups.push(performance.now() - t0);
    healthBody = await res.text();
    if (i === 4) {
      await new Promise((r) => setTimeout(r, 2000));
      idleRss = rssMiB(child.pid);
    }
    await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
  rows.push({ name: 'outrigger serve: process start to /health UP (median of 5)', value: median(startups), unit: 'ms', note: `min ${Math.min(...startups).toFixed(0)} max ${Math.max(...startups).toFixed(0)}; target < 1000` });
  rows.push({ name: 'outrigger serve: idle RSS (2 s after UP)', value: idleRss, unit: 'MiB', note: 'target < 150' });

  // /health throughput: both servers up at once, measured alternately, two rounds each.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'outrigger-bench-'));
  const [pOut, pBare] = [await freePort(), await freePort()];
  const outrigger = start(process.execPath, [cli, 'serve', '--port', String(pOut), '--host', '127.0.0.1', '--data-dir', dataDir], { cwd: dataDir });
  const bare = start(process.execPath, [path.join(root, 'test/bench/bareHealth.mjs'), String(pBare), healthBody], { cwd: root });
  await waitFor(`http://127.0.0.1:${pOut}/health`);
  await waitFor(`http://127.0.0.1:${pBare}/health`);
  // Warm-up.
  await load(`http://127.0.0.1:${pOut}/health`, { seconds: 1 });
  await load(`http://127.0.0.1:${pBare}/health`, { seconds: 1 });
  const out = [];
  const base = [];
  for (let round = 0; round < 2; round++) {
    base.push(await load(`http://127.0.0.1:${pBare}/health`));
    out.push(await load(`http://127.0.0.1:${pOut}/health`));
  }
  await stop(outrigger);
  await stop(bare);
  rmSync(dataDir, { recursive: true, force: true });
  const o = median(out.map((x) => x.rps));
  const b = median(base.map((x) => x.rps));
  const bad = out.reduce((n, x) => n + x.non2xx + x.errors, 0);
  rows.push({ name: 'GET /health throughput, outrigger', value: o, unit: 'req/s', note: `10 connections, 2×4 s; p99 ${median(out.map((x) => x.p99))} ms; non-2xx/errors ${bad}` });
  rows.push({ name: 'GET /health throughput, bare express (same body)', value: b, unit: 'req/s', note: `p99 ${median(base.map((x) => x.p99))} ms` });
  rows.push({ name: 'GET /health throughput, outrigger / bare express', value: (100 * o) / b, unit: '%', note: 'target >= 70' });
  return rows;
}
