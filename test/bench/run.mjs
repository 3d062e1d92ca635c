#!/usr/bin/env node
// `npm run bench`: runs every test/bench/*.bench.mjs in turn (each default-exports `async ({ root }) => rows`), prints
// one table and writes test/bench/results.json. Figures are measured and reported, never asserted.
import { readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const only = process.argv.slice(2);
const files = (await readdir(here)).filter((f) => f.endsWith('.bench.mjs') && (!only.length || only.some((o) => f.includes(o)))).sort();

const results = [];
for (const file of files) {
  const area = file.replace('.bench.mjs', '');
  process.stderr.write(`bench: ${area} …\n`);
  const started = Date.now();
  try {
    const { default: bench } = await import(pathToFileURL(path.join(here, file)).href);
    for (const row of await bench({ root })) results.push({ area, ...row });
  } catch (err) {
    results.push({ area, name: 'bench failed', value: NaN, unit: '', note: String(err?.stack ?? err).split('\n')[0] });
  }
  process.stderr.write(`bench: ${area} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

const fmt = (v) => (Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2)) : String(v));
const table = [['area', 'measure', 'value', 'unit', 'note'], ...results.map((r) => [r.area, r.name, fmt(r.value), r.unit, r.note ?? ''])];
const widths = table[0].map((_, i) => Math.max(...table.map((row) => String(row[i]).length)));
for (const [i, row] of table.entries()) {
  console.log(row.map((c, j) => String(c).padEnd(widths[j])).join('  ').trimEnd());
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
const machine = { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), platform: `${os.platform()} ${os.release()}` };
await writeFile(path.join(here, 'results.json'), JSON.stringify({ measuredAt: new Date().toISOString(), machine, results }, null, 2) + '\n');
console.log(`\nwrote test/bench/results.json (${results.length} rows)`);
