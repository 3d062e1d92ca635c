// Several replicas on PostgreSQL: operations accepted per second on one replica and on two (same database), the
// time a survivor needs to adopt a dead replica's bake, and p99 of GET /task/{id} on each store (memory, SQLite,
// PostgreSQL). Real `outrigger serve` processes (the built CLI); AWS is a small loopback Lambda endpoint answering at
// once. Reported, never asserted. Without a PostgreSQL server (OUTRIGGER_TEST_PG_URL) the PostgreSQL rows say so.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { freePort, start, stop, waitFor } from './support.mjs';

const PG_URL = process.env.OUTRIGGER_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function fakeLambda() {
  const config = { FunctionName: 'orders', FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:orders', State: 'Active', LastUpdateStatus: 'Successful', RevisionId: 'r1' };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const url = req.url ?? '';
      if (req.method === 'PUT' && url.endsWith('/concurrency')) return res.end('{"ReservedConcurrentExecutions":5}');
      if (/\/2015-03-31\/functions\/orders(\?|$)/.test(url)) return res.end(JSON.stringify({ Configuration: config, Tags: {} }));
      if (/\/2015-03-31\/functions\/?(\?|$)/.test(url)) return res.end(JSON.stringify({ Functions: [config] }));
      return res.end('{}');
    });
  });
  return server;
}

async function pgUp() {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    return c;
  } catch {
    return undefined;
  }
}

export default async function ({ root }) {
  const cli = path.join(root, 'packages/server/dist/cli.js');
  const rows = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'outrigger-bench-replicas-'));
  const lambda = fakeLambda();
  await new Promise((r) => lambda.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${lambda.address().port}`;
  const admin = await pgUp();
  const schema = `outrigger_bench_${randomBytes(5).toString('hex')}`;
  if (admin) await admin.query(`CREATE SCHEMA ${schema}`);
  const children = [];

  async function serve(name, storage, extra = {}) {
    const port = await freePort();
    const file = path.join(dir, `${name}.yml`);
    writeFileSync(
      file,
      JSON.stringify({
        server: { host: '127.0.0.1', port },
        dataDir: path.join(dir, name),
        logging: { level: 'error' },
        storage,
        aws: { accounts: [{ name: 'test', accountId: '123456789012', regions: ['us-east-1'], lambdaEnabled: true, endpoint }] },
        lambda: { inventory: { enabled: false } },
        bake: { templatesDir: path.join(root, 'packages/bake/fixtures/templates'), packer: { pollMillis: 100 }, local: { enabled: true }, aws: { enabled: false } },
        ...extra,
      }),
    );
    const child = start(process.execPath, [cli, 'serve', '--config', file], {
      cwd: dir,
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_REGION: 'us-east-1', OUTRIGGER_CONFIG: '' },
    });
    children.push(child);
    const url = `http://127.0.0.1:${port}`;
    await waitFor(`${url}/health`, { timeoutMs: 30_000 });
    return { child, url };
  }

  const op = JSON.stringify({ credentials: 'test', region: 'us-east-1', functionName: 'orders', reservedConcurrentExecutions: 5 });
  const accept = (url, connections, seconds = 4) =>
    autocannon({ url: `${url}/aws/ops/putLambdaReservedConcurrency`, method: 'POST', headers: { 'content-type': 'application/json' }, body: op, connections, duration: seconds });
  const p99Get = async (url) => {
    const r = await fetch(`${url}/aws/ops/putLambdaReservedConcurrency`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: op });
    const { id } = await r.json();
    await new Promise((res) => setTimeout(res, 500));
    const out = await autocannon({ url: `${url}/task/${id}`, connections: 10, duration: 4 });
    return out;
  };

  try {
    const pgStorage = { type: 'postgres', url: PG_URL, schema, heartbeatSeconds: 2 };
    // p99 of GET /task/{id}, one replica per store.
    for (const [label, storage] of [
      ['memory', { type: 'memory' }],
      ['sqlite', { type: 'sqlite' }],
      ...(admin ? [['postgres', pgStorage]] : []),
    ]) {
      const s = await serve(`get-${label}`, storage);
      const r = await p99Get(s.url);
      rows.push({ name: `GET /task/{id} p99, storage ${label}`, value: r.latency.p99, unit: 'ms', note: `${r.requests.average.toFixed(0)} req/s mean, 10 connections, 4 s; non-2xx ${r.non2xx}` });
      await stop(s.child);
    }
    if (!admin) {
      rows.push({ name: 'PostgreSQL rows', value: NaN, unit: '', note: `no PostgreSQL at ${PG_URL}; set OUTRIGGER_TEST_PG_URL` });
      return rows;
    }

    // Operations accepted per second: one replica, then two replicas on the same database loaded at once.
    const one = await serve('accept-1', pgStorage);
    const solo = await accept(one.url, 10);
    rows.push({ name: 'operations accepted per second, 1 replica (PostgreSQL)', value: solo.requests.average, unit: 'ops/s', note: `POST /aws/ops/putLambdaReservedConcurrency, 10 connections, 4 s; p99 ${solo.latency.p99} ms; non-2xx ${solo.non2xx}` });
    const two = await serve('accept-2', pgStorage);
    const [ra, rb] = await Promise.all([accept(one.url, 5), accept(two.url, 5)]);
    const both = ra.requests.average + rb.requests.average;
    rows.push({ name: 'operations accepted per second, 2 replicas (same database)', value: both, unit: 'ops/s', note: `5 + 5 connections, 4 s; ${(both / solo.requests.average).toFixed(2)}× one replica; both replicas share the machine's 2 cores and the database` });
    await stop(one.child);
    await stop(two.child);

    // Adoption: the owner of a running bake is killed with its Packer; time until the survivor runs it again.
    const a = await serve('adopt-a', pgStorage);
    const b = await serve('adopt-b', pgStorage);
    const body = JSON.stringify({ region: 'us-east-1', cloud_provider_type: 'local', package: 'nginx', base_os: 'local', base_label: 'release', extended_attributes: { bake_seconds: '20', bench: schema } });
    const res = await fetch(`${a.url}/api/v1/us-east-1/bake`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const { id } = await res.json();
    let pgid;
    for (let i = 0; i < 300 && !pgid; i++) {
      const logs = await (await fetch(`${b.url}/api/v1/us-east-1/logs/${id}`)).json().catch(() => ({}));
      const m = /packer started \(pid (\d+)\)/.exec(logs.logsContent ?? '');
      if (m && (logs.logsContent ?? '').includes('installing')) pgid = Number(m[1]);
      else await new Promise((r) => setTimeout(r, 100));
    }
    const t0 = performance.now();
    a.child.kill('SIGKILL');
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {}
    let adopted = NaN;
    for (let i = 0; i < 1200; i++) {
      const logs = await (await fetch(`${b.url}/api/v1/us-east-1/logs/${id}`)).json().catch(() => ({}));
      if ((logs.logsContent ?? '').includes('attempt 2')) {
        adopted = performance.now() - t0;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    rows.push({ name: 'survivor adopts a dead replica’s bake (SIGKILL to Packer running again, same id)', value: adopted / 1000, unit: 's', note: 'storage.heartbeatSeconds 2: bound is 3 missed heartbeats + one lease pass (≤ 8 s)' });
    await fetch(`${b.url}/api/v1/us-east-1/cancel/${id}`).catch(() => {});
    await new Promise((r) => setTimeout(r, 1000));
    await stop(b.child);
    return rows;
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    lambda.close();
    if (admin) {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
      await admin.end();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
