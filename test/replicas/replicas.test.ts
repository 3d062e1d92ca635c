// Two real outrigger processes (the built CLI) on one PostgreSQL database, as two replicas behind one Service:
// bakes and operations submitted to both, the owner SIGKILLed mid-bake and mid-operation (with its Packer, as when a
// pod dies), and the survivor finishing the work under the same ids; and a replica frozen (SIGSTOP) mid-operation whose
// task the other adopts, woken (SIGCONT) with its AWS call answered late, fenced out of every write. Skipped, said in one line by `npm test`, when no
// PostgreSQL answers (OUTRIGGER_TEST_PG_REQUIRED=1 in .ci/run turns that into a failure).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestPostgres } from '@outrigger/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'packages/server/dist/cli.js');
const pg = await createTestPostgres();
const dir = mkdtempSync(path.join(tmpdir(), 'outrigger-replicas-'));

/** Lambda's REST API for one function, enough for putLambdaReservedConcurrency; PUTs are held while `hold` is on. */
function fakeLambda() {
  const state = { hold: true, held: [] as ServerResponse[], puts: 0, concurrency: undefined as number | undefined };
  const config = {
    FunctionName: 'orders',
    FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:orders',
    Runtime: 'nodejs20.x',
    Handler: 'index.handler',
    Role: 'arn:aws:iam::123456789012:role/lambda',
    State: 'Active',
    LastUpdateStatus: 'Successful',
    RevisionId: 'rev-1',
    LastModified: '2026-01-01T00:00:00.000+0000',
    Version: '$LATEST',
  };
  const json = (res: ServerResponse, body: unknown) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const url = req.url ?? '';
      if (req.method === 'PUT' && /\/functions\/orders\/concurrency$/.test(url)) {
        state.puts++;
        if (state.hold) return void state.held.push(res);
        state.concurrency = (JSON.parse(body || '{}') as { ReservedConcurrentExecutions?: number }).ReservedConcurrentExecutions;
        return json(res, { ReservedConcurrentExecutions: state.concurrency });
      }
      if (req.method === 'GET' && /\/2015-03-31\/functions\/orders(\?|$)/.test(url)) return json(res, { Configuration: config, Code: {}, Tags: {} });
      if (req.method === 'GET' && /\/2015-03-31\/functions\/?(\?|$)/.test(url)) return json(res, { Functions: [config] });
      if (req.method === 'GET' && /\/concurrency/.test(url)) return json(res, state.concurrency === undefined ? {} : { ReservedConcurrentExecutions: state.concurrency });
      return json(res, {});
    });
  });
  return { server, state };
}

interface Replica {
  name: string;
  child: ChildProcess;
  url: string;
  exited: Promise<unknown>;
  /** What the process printed so far (its log lines; the tail only, for a long run). */
  printed: () => string;
}

/** Live (non-zombie) processes of a process group, from /proc: Packer, its plugins, shell-local scripts. */
function liveInGroup(pgid: number): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[2]) === pgid && rest[0] !== 'Z') out.push(`${pid} ${stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))}`);
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 90_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const getJson = async (url: string) => {
  const r = await fetch(url);
  return { status: r.status, body: (await r.json().catch(() => undefined)) as any };
};
const postJson = async (url: string, body: unknown) => {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json().catch(() => undefined)) as any };
};

const bakeBody = (extended: Record<string, string>) => ({
  region: 'us-east-1',
  cloud_provider_type: 'local',
  package: 'nginx',
  base_os: 'local',
  base_label: 'release',
  vm_type: 'hvm',
  user: 'ops@example.com',
  extended_attributes: extended,
});

describe.skipIf(!pg)('two outrigger replicas on one PostgreSQL database', () => {
  const lambda = fakeLambda();
  const replicas: Replica[] = [];
  const packerGroups = new Set<number>();

  function start(name: string, endpoint: string): Promise<Replica> {
    const dataDir = path.join(dir, name);
    const config = {
      server: { host: '127.0.0.1', port: 0, shutdownTimeoutSeconds: 2 },
      dataDir,
      logging: { level: 'warn' },
      storage: { type: 'postgres', url: '${OUTRIGGER_REPLICA_PG_URL}', schema: pg!.schema, heartbeatSeconds: 1, poolSize: 4 },
      aws: { accounts: [{ name: 'test', accountId: '123456789012', regions: ['us-east-1'], lambdaEnabled: true, endpoint }] },
      bake: {
        templatesDir: path.join(root, 'packages/bake/fixtures/templates'),
        packer: { pollMillis: 100 },
        local: { enabled: true },
        aws: { enabled: false },
      },
    };
    const file = path.join(dir, `${name}.yml`);
    writeFileSync(file, JSON.stringify(config)); // JSON is YAML
    const child = spawn(process.execPath, [cli, 'serve', '--config', file], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OUTRIGGER_REPLICA_PG_URL: pg!.url, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', OUTRIGGER_CONFIG: '' },
    });
    const exited = new Promise((r) => child.once('exit', r));
    let out = '';
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    return new Promise((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) {
          const r = { name, child, url: m[1]!, exited, printed: () => out + err };
          replicas.push(r);
          resolve(r);
        }
        if (out.length > 1_000_000) out = out.slice(-10_000);
      });
      child.once('exit', (code) => reject(new Error(`replica ${name} exited with ${code}: ${err}${out.slice(-2000)}`)));
    });
  }

  /** What a pod's death does: the outrigger process and every Packer run it started are killed at once. */
  async function killPod(r: Replica, groups: number[]) {
    r.child.kill('SIGKILL');
    for (const g of groups) {
      try {
        process.kill(-g, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await r.exited;
  }

  let endpoint = '';
  let a: Replica;
  let b: Replica;
  beforeAll(async () => {
    await new Promise<void>((r) => lambda.server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(lambda.server.address() as AddressInfo).port}`;
    [a, b] = await Promise.all([start('a', endpoint), start('b', endpoint)]);
  });

  afterAll(async () => {
    for (const r of replicas) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    await Promise.all(replicas.map((r) => r.exited));
    for (const res of lambda.state.held) res.destroy();
    lambda.server.closeAllConnections();
    lambda.server.close();
    for (const g of packerGroups) if (liveInGroup(g).length) process.kill(-g, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    await pg?.drop();
  });

  it('one bake for identical requests on both replicas; the owner dies with its Packer mid-bake; the survivor restarts it under the same id', async () => {
    const body = bakeBody({ bake_seconds: '3', team: 'replicas' });
    // Identical requests at the same moment on both replicas: one bake, one id.
    const [ra, rb] = await Promise.all([postJson(`${a.url}/api/v1/us-east-1/bake`, body), postJson(`${b.url}/api/v1/us-east-1/bake`, body)]);
    expect(ra.status).toBe(200);
    expect(rb.status).toBe(200);
    expect(rb.body.id).toBe(ra.body.id);
    const id = ra.body.id as string;
    // The owner is the replica whose data directory holds the run.
    const [ownerReplica, survivor] = await until('the bake to start on one replica', async () =>
      existsSync(path.join(dir, a.name, 'bakes', id)) ? [a, b] : existsSync(path.join(dir, b.name, 'bakes', id)) ? [b, a] : undefined,
    );

    // Either replica serves the log; wait until the owner's Packer is inside the provisioner.
    const firstPgid = await until('the first Packer run to be mid-bake', async () => {
      const logs = await getJson(`${survivor.url}/api/v1/us-east-1/logs/${id}`);
      const text = logs.status === 200 ? (logs.body.logsContent as string) : '';
      const m = /packer started \(pid (\d+)\)/.exec(text);
      return m && text.includes('installing deb packages') ? Number(m[1]) : undefined;
    });
    packerGroups.add(firstPgid);
    // A follower on the survivor streams the whole log through the takeover.
    const followed = fetch(`${survivor.url}/api/v1/us-east-1/logs/${id}?follow=true`).then((r) => r.text());

    await killPod(ownerReplica, [firstPgid]);
    expect(liveInGroup(firstPgid)).toEqual([]);

    // Orca keeps polling the same id: RUNNING until the survivor's run ends, then the result.
    const states = new Set<string>();
    const end = await until('the bake to end', async () => {
      const s = await getJson(`${survivor.url}/api/v1/us-east-1/status/${id}`);
      states.add(s.body?.state);
      return s.body?.state !== 'RUNNING' ? s : undefined;
    });
    expect([...states]).toContain('RUNNING');
    expect(end.body, JSON.stringify(end.body)).toMatchObject({ id, state: 'COMPLETED', result: 'SUCCESS' });
    const bake = await getJson(`${survivor.url}/api/v1/us-east-1/bake/${id}`);
    expect(bake.body).toMatchObject({ id, artifact: { type: 'local/image' } });

    const log = (await getJson(`${survivor.url}/api/v1/us-east-1/logs/${id}`)).body.logsContent as string;
    const starts = [...log.matchAll(/packer started \(pid (\d+)\)/g)].map((m) => Number(m[1]));
    expect(starts).toHaveLength(2);
    packerGroups.add(starts[1]!);
    expect(log).toContain('running Packer again under the same bake id (attempt 2)');
    expect(log.match(/artifact 0 id: File/g)).toHaveLength(1);
    const streamed = await followed;
    expect(streamed).toContain('running Packer again under the same bake id (attempt 2)');
    expect(streamed).toContain(`bake ${id} completed`);

    // Exactly one successful result for the bake key, and nothing of either run left alive.
    const rows = await pg!.open().query<{ n: number }>(
      `SELECT COUNT(*)::bigint AS n FROM bake_bakes WHERE bake_key = (SELECT bake_key FROM bake_bakes WHERE id = $1) AND result = 'SUCCESS'`,
      [id],
    );
    expect(rows[0]!.n).toBe(1);
    await until('the second run’s processes to end', async () => !liveInGroup(starts[1]!).length);
    expect(liveInGroup(firstPgid)).toEqual([]);

    // The same request again, on the survivor: the finished bake is reused, no third Packer run.
    const again = await postJson(`${survivor.url}/api/v1/us-east-1/bake`, body);
    expect(again.body).toMatchObject({ id, state: 'COMPLETED', result: 'SUCCESS' });

    // A replacement replica joins for the next test.
    replicas.splice(replicas.indexOf(ownerReplica), 1);
    const fresh = await start(ownerReplica.name === 'a' ? 'a2' : 'b2', endpoint);
    if (ownerReplica === a) a = fresh;
    else b = fresh;
  });

  it('one task for one clientRequestId on both replicas; the owner dies mid-operation; the survivor completes it under the same id', async () => {
    lambda.state.hold = true;
    const op = { credentials: 'test', region: 'us-east-1', functionName: 'orders', reservedConcurrentExecutions: 7 };
    const first = await postJson(`${a.url}/aws/ops/putLambdaReservedConcurrency?clientRequestId=replicas-1`, op);
    expect(first.status).toBe(200);
    const id = first.body.id as string;
    const second = await postJson(`${b.url}/aws/ops/putLambdaReservedConcurrency?clientRequestId=replicas-1`, op);
    expect(second.body.id).toBe(id);

    // The owner (a) is inside PutFunctionConcurrency when it dies.
    await until('the operation to reach AWS', async () => lambda.state.held.length > 0);
    const running = await getJson(`${b.url}/task/${id}`);
    expect(running.body, JSON.stringify(running.body)).toMatchObject({ id, status: { completed: false } });
    lambda.state.hold = false;
    await killPod(a, []);

    const done = await until('the task to finish on the survivor', async () => {
      const t = await getJson(`${b.url}/task/${id}`);
      return t.body?.status?.completed ? t : undefined;
    });
    expect(done.body, JSON.stringify(done.body)).toMatchObject({ id, status: { completed: true, failed: false } });
    expect(done.body.resultObjects).toEqual(expect.arrayContaining([expect.objectContaining({ functionName: 'orders', reservedConcurrentExecutions: 7 })]));
    expect(lambda.state.concurrency).toBe(7);
    expect(done.body.ownerId).not.toBe(running.body.ownerId);

    // One replica polls Lambda for the account/region; with the other gone, the survivor does (within one lease pass).
    await until('the survivor to poll the Lambda inventory', async () => {
      const h = await getJson(`${b.url}/health`);
      return h.body?.components?.lambda?.details?.inventory?.['test/us-east-1']?.poller === 'this replica';
    });
    expect((await getJson(`${b.url}/functions`)).body.map((f: { functionName: string }) => f.functionName)).toContain('orders');

    // Nothing is left RUNNING anywhere in the shared database.
    const left = await pg!.open().query<{ n: number }>('SELECT COUNT(*)::bigint AS n FROM tasks WHERE NOT completed');
    expect(left[0]!.n).toBe(0);
  });

  it('a stalled replica (SIGSTOP) loses its task to the other one; woken (SIGCONT) with its AWS call answered late, it writes nothing more', async () => {
    const stalled = await start('a3', endpoint);
    lambda.state.hold = true;
    const op = { credentials: 'test', region: 'us-east-1', functionName: 'orders', reservedConcurrentExecutions: 9 };
    const first = await postJson(`${stalled.url}/aws/ops/putLambdaReservedConcurrency?clientRequestId=replicas-stop`, op);
    expect(first.status).toBe(200);
    const id = first.body.id as string;
    const heldBefore = lambda.state.held.length;
    await until('the stalled replica’s call to reach AWS', async () => lambda.state.held.length > heldBefore);
    const lateAnswer = lambda.state.held.pop()!;
    const running = await getJson(`${b.url}/task/${id}`);
    expect(running.body.status.completed).toBe(false);

    // The process freezes (a long GC pause, a throttled container, a suspended VM) with its AWS call in flight.
    stalled.child.kill('SIGSTOP');
    try {
      lambda.state.hold = false;
      const done = await until('the other replica to adopt and finish the task', async () => {
        const t = await getJson(`${b.url}/task/${id}`);
        return t.body?.status?.completed ? t : undefined;
      });
      expect(done.body, JSON.stringify(done.body)).toMatchObject({ id, status: { completed: true, failed: false } });
      expect(done.body.ownerId).not.toBe(running.body.ownerId);
      expect(lambda.state.concurrency).toBe(9);

      // Woken, the stalled replica gets AWS's late answer to the call it made before it froze...
      stalled.child.kill('SIGCONT');
      lambda.state.concurrency = 9;
      lateAnswer.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ReservedConcurrentExecutions: 9 }));
      // ...and runs on for a few heartbeats (1 s each), but every write it tries is fenced: the task is as the adopter left it.
      await new Promise((r) => setTimeout(r, 4_000));
      const after = await getJson(`${b.url}/task/${id}`);
      expect(after.body).toEqual(done.body);
      expect((await getJson(`${stalled.url}/task/${id}`)).body).toEqual(done.body);
      expect(stalled.child.exitCode).toBeNull(); // it lives on and serves; it just does not own that task
      // It did wake and try: its run was fenced out, said so once, and stopped.
      expect(stalled.printed()).toContain('taken over while this replica was stalled');
      const rows = await pg!.open().query<{ n: number }>('SELECT COUNT(*)::bigint AS n FROM tasks WHERE id = $1 AND completed', [id]);
      expect(rows[0]!.n).toBe(1);
    } finally {
      stalled.child.kill('SIGCONT');
    }
  });
});

