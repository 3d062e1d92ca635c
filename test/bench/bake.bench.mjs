// Bench rows for @outrigger/bake (reported, not asserted). Uses the built server (packages/server/dist) and the real
// Packer with the shipped cloud-free `local` template, on 127.0.0.1 only.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Packer runs alive now: distinct process groups of outrigger's Packer wrapper (`sh -c … outrigger-packer …`) that
 * still hold a live `packer` process (the main binary or a plugin). Zombies do not count.
 */
function packerRuns() {
  const groups = new Set();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (comm !== 'packer' || rest[0] === 'Z') continue;
      const pgid = rest[2];
      if (readFileSync(`/proc/${pgid}/cmdline`, 'utf8').split('\0')[3] === 'outrigger-packer') groups.add(pgid);
    } catch {
      // gone
    }
  }
  return groups.size;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function bakery(root, bake) {
  const { serve } = await import(pathToFileURL(path.join(root, 'packages/server/dist/index.js')).href);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'outrigger-bake-bench-'));
  const configFile = path.join(dataDir, 'outrigger.yaml');
  // JSON is YAML: the config file `outrigger serve --config` reads.
  writeFileSync(configFile, JSON.stringify({ dataDir, logging: { level: 'silent' }, bake: { defaultCloudProviderType: 'local', local: { enabled: true }, packer: { pollMillis: 50 }, ...bake } }));
  const s = await serve({ configFile, port: 0, host: '127.0.0.1', print: () => {} });
  return {
    url: s.url,
    async close() {
      await s.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const body = (attrs) => ({ cloud_provider_type: 'local', base_os: 'local', package: 'nginx', ami_suffix: 'bench', extended_attributes: attrs, stage_timeout_ms: 1 });
const post = (url, b, q = '') =>
  fetch(`${url}/api/v1/us-east-1/bake${q}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(b) }).then((r) => r.json());
async function waitEnd(url, id) {
  for (;;) {
    const s = await fetch(`${url}/api/v1/us-east-1/status/${id}`).then((r) => r.json());
    if (s.state !== 'RUNNING') return s;
    await sleep(25);
  }
}
async function logs(url, id) {
  return (await fetch(`${url}/api/v1/us-east-1/logs/${id}`).then((r) => r.json())).logsContent;
}

export default async function ({ root }) {
  const rows = [];

  // 1. 50 identical concurrent requests start exactly one Packer process.
  {
    const b = await bakery(root, { maxConcurrentBakes: 4 });
    const answers = await Promise.all(Array.from({ length: 50 }, () => post(b.url, body({ run: 'identical', bake_seconds: '1' }))));
    const ids = new Set(answers.map((a) => a.id));
    let started = 0;
    for (const id of ids) {
      await waitEnd(b.url, id);
      started += ((await logs(b.url, id)).match(/packer started/g) ?? []).length;
    }
    rows.push({ name: 'bake: 50 identical concurrent requests → Packer processes started', value: started, unit: 'processes', note: `${ids.size} distinct bake id(s)` });
    await b.close();
  }

  // 2. Median time from request to Packer spawn (10 different bakes, one at a time; validate cache warm after the first).
  {
    const b = await bakery(root, { maxConcurrentBakes: 4 });
    const times = [];
    for (let i = 0; i < 10; i++) {
      const t0 = Date.now();
      const a = await post(b.url, body({ run: `spawn-${i}` }));
      await waitEnd(b.url, a.id);
      const m = /^(\S+) packer started/m.exec(await logs(b.url, a.id));
      if (m) times.push(Date.parse(m[1]) - t0);
    }
    rows.push({ name: 'bake: request → Packer spawn (median of 10)', value: median(times), unit: 'ms', note: `min ${Math.min(...times)} ms, max ${Math.max(...times)} ms (max includes the first, uncached packer validate)` });
    await b.close();
  }

  // 3. maxConcurrentBakes: 2 with 10 different bakes: the most Packer processes seen at once.
  {
    const b = await bakery(root, { maxConcurrentBakes: 2 });
    let max = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        max = Math.max(max, packerRuns());
        await sleep(10);
      }
    })();
    const t0 = Date.now();
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => post(b.url, body({ run: `queue-${i}`, bake_seconds: '0.5' }))));
    const maxQueue = Math.max(...answers.map((a) => a.queue_position ?? 0));
    for (const a of answers) await waitEnd(b.url, a.id);
    const elapsed = Date.now() - t0;
    sampling = false;
    await sampler;
    rows.push({ name: 'bake: maxConcurrentBakes 2, 10 different bakes → most Packer processes at once', value: max, unit: 'processes', note: `highest queue_position ${maxQueue}; all 10 done in ${elapsed} ms` });
    await b.close();
  }
  return rows;
}
