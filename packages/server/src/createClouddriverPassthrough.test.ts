import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEcsProvider } from '@outrigger/ecs';
import { createLambdaProvider } from '@outrigger/lambda';
import { ConfigSchema, type AwsClientFactory } from '@outrigger/runtime';
import { compose, type Composed } from './compose.js';
import { createClouddriverPassthrough } from './createClouddriverPassthrough.js';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

// A stand-in clouddriver on loopback that records what reaches it and answers with its own status, headers and bytes.
let upstream: http.Server;
let upstreamUrl: string;
const seen: Seen[] = [];
let releaseStream: () => void = () => {};

let composed: Composed;
let server: http.Server;
let url: string;

const binary = Buffer.from([0x7b, 0x0a, 0x20, 0x20, 0x22, 0x61, 0x22, 0x3a, 0x20, 0x31, 0x7d, 0x00, 0xff, 0xfe]);

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
      if (req.url === '/stream') {
        res.writeHead(200, { 'content-type': 'text/plain', 'x-upstream': 'yes' });
        res.write('part1;');
        new Promise<void>((r) => (releaseStream = r)).then(() => res.end('part2'));
        return;
      }
      res.writeHead(203, { 'content-type': 'application/octet-stream', 'x-upstream': 'clouddriver', 'set-cookie': ['a=1', 'b=2'] });
      res.end(Buffer.concat([Buffer.from(`${req.method} ${req.url} `), Buffer.concat(chunks)]));
    });
  });
  upstream.listen(0, '127.0.0.1');
  await new Promise<void>((r) => upstream.once('listening', () => r()));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

  const aws: AwsClientFactory = {
    client<C>(): C {
      return { send: async () => Promise.reject(Object.assign(new Error('no AWS here'), { name: 'ResourceNotFoundException' })) } as never;
    },
  };
  composed = await compose({
    config: ConfigSchema.parse({
      storage: { type: 'memory' },
      logging: { level: 'silent' },
      clouddriver: { baseUrl: upstreamUrl },
      aws: { accounts: [{ name: 'prod', accountId: '123456789012', lambdaEnabled: true }] },
      // clouddriver's ECS accounts: `ecs-prod` uses prod's credentials; `prod` itself (added for Lambda) is not one.
      ecs: { accounts: [{ name: 'ecs-prod', awsAccount: 'prod' }] },
      lambda: { inventory: { enabled: false } },
    }),
    providers: [(deps) => createEcsProvider(deps), createLambdaProvider],
    aws,
    fallback: (deps) => createClouddriverPassthrough({ baseUrl: upstreamUrl, logger: deps.logger }),
  });
  server = composed.app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await composed.start({ baseUrl: url });
});

afterAll(async () => {
  await composed.close();
  server.close();
  upstream.close();
});

async function bytes(res: Response): Promise<Buffer> {
  return Buffer.from(await res.arrayBuffer());
}

describe('clouddriver passthrough', () => {
  it('forwards unknown paths with method, query, headers and body unchanged, and streams the answer back', async () => {
    seen.length = 0;
    const res = await fetch(`${url}/applications/shop/serverGroups?expand=true&x=%2F`, { method: 'PUT', headers: { 'content-type': 'application/json', 'x-spinnaker-user': 'kim', 'x-custom': 'v' }, body: binary });
    expect(res.status).toBe(203);
    expect(res.headers.get('x-upstream')).toBe('clouddriver');
    expect(res.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(await bytes(res)).toEqual(Buffer.concat([Buffer.from('PUT /applications/shop/serverGroups?expand=true&x=%2F '), binary]));
    expect(seen[0]!.body).toEqual(binary);
    expect(seen[0]!.headers).toMatchObject({ 'x-spinnaker-user': 'kim', 'x-custom': 'v', 'content-type': 'application/json', host: new URL(upstreamUrl).host });
  });

  it('forwards non-Lambda operations, single and in the list form, byte for byte', async () => {
    seen.length = 0;
    const single = await fetch(`${url}/aws/ops/deployServerGroup?clientRequestId=abc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: binary });
    expect(single.status).toBe(203);
    const list = Buffer.from('[ {"createServerGroup" : {"credentials":"prod"}},\n {"deleteLambdaFunction":{"credentials":"prod","region":"us-east-1","functionName":"x"}} ]');
    const res = await fetch(`${url}/aws/ops`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: list });
    expect(res.status).toBe(203);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['POST /aws/ops/deployServerGroup?clientRequestId=abc', 'POST /aws/ops']);
    expect(seen[0]!.body).toEqual(binary);
    expect(seen[1]!.body).toEqual(list);
  });

  it('forwards Lambda operations and cache refreshes for accounts outrigger does not serve', async () => {
    seen.length = 0;
    const op = Buffer.from('{"credentials":"elsewhere","region":"us-east-1","functionName":"f"}');
    expect((await fetch(`${url}/aws/ops/deleteLambdaFunction`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: op })).status).toBe(203);
    const list = Buffer.from('[{"deleteLambdaFunction":{"credentials":"elsewhere","region":"us-east-1","functionName":"f"}}]');
    expect((await fetch(`${url}/aws/ops`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: list })).status).toBe(203);
    const refresh = Buffer.from('{"account":"elsewhere","credentials":"elsewhere","region":"us-east-1","functionName":"f"}');
    expect((await fetch(`${url}/cache/aws/Function`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: refresh })).status).toBe(203);
    expect(seen.map((x) => [x.url, x.body.toString()])).toEqual([
      ['/aws/ops/deleteLambdaFunction', op.toString()],
      ['/aws/ops', list.toString()],
      ['/cache/aws/Function', refresh.toString()],
    ]);
    const own = await fetch(`${url}/cache/aws/function`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ account: 'prod', credentials: 'prod', region: 'us-east-1', functionName: 'f' }),
    });
    expect(own.status).toBe(200);
    expect(seen).toHaveLength(3);
  });

  it('forwards ECS operations for accounts outrigger does not serve, and serves its own', async () => {
    seen.length = 0;
    const op = Buffer.from('{"credentials":"elsewhere","serverGroupName":"shop-v001","region":"us-east-1"}');
    expect((await fetch(`${url}/ecs/ops/disableServerGroup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: op })).status).toBe(203);
    const list = Buffer.from('[{"upsertScalingPolicy":{"credentials":"ecs-prod"}}]');
    expect((await fetch(`${url}/ecs/ops`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: list })).status).toBe(203);
    // The AWS account added for Lambda is not an ECS account: its ECS deploys stay clouddriver's.
    const lambdaAccount = Buffer.from('{"credentials":"prod","serverGroupName":"shop-v001","region":"us-east-1"}');
    expect((await fetch(`${url}/ecs/ops/disableServerGroup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: lambdaAccount })).status).toBe(203);
    expect(seen.map((x) => [x.url, x.body.toString()])).toEqual([
      ['/ecs/ops/disableServerGroup', op.toString()],
      ['/ecs/ops', list.toString()],
      ['/ecs/ops/disableServerGroup', lambdaAccount.toString()],
    ]);
    const own = await fetch(`${url}/ecs/ops/disableServerGroup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ credentials: 'ecs-prod', serverGroupName: 'shop-v001', region: 'us-east-1' }),
    });
    expect(own.status).toBe(202);
    expect(seen).toHaveLength(3);
  });

  it('answers a malformed list itself with a 400, without forwarding it', async () => {
    seen.length = 0;
    const res = await fetch(`${url}/aws/ops`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[{"createServerGroup":' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ status: 400, path: '/aws/ops', errors: [{ field: '$.body' }] });
    expect(seen).toEqual([]);
  });

  it('serves Lambda operations and its own task ids itself, and forwards unknown task ids', async () => {
    seen.length = 0;
    const op = await fetch(`${url}/aws/ops/deleteLambdaFunction`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ credentials: 'prod', region: 'us-east-1', functionName: 'gone' }),
    });
    expect(op.status).toBe(200);
    const { id } = (await op.json()) as { id: string };
    const list = await fetch(`${url}/aws/ops`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ deleteLambdaFunction: { credentials: 'prod', region: 'us-east-1', functionName: 'gone' } }]),
    });
    expect(list.status).toBe(200);
    const own = await fetch(`${url}/task/${id}`);
    expect(own.status).toBe(200);
    expect(((await own.json()) as { id: string }).id).toBe(id);
    const foreign = await fetch(`${url}/task/clouddriver-task-1`);
    expect(foreign.status).toBe(203);
    expect((await bytes(foreign)).toString()).toBe('GET /task/clouddriver-task-1 ');
    expect(seen.map((s) => s.url)).toEqual(['/task/clouddriver-task-1']);
  });

  it('streams: the first bytes arrive before the upstream has finished', async () => {
    const res = await fetch(`${url}/stream`);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value!).toString()).toBe('part1;');
    releaseStream();
    let rest = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += Buffer.from(value).toString();
    }
    expect(rest).toBe('part2');
  });

  it('answers 502 in the error shape when clouddriver is unreachable', async () => {
    const dead = createClouddriverPassthrough({ baseUrl: 'http://127.0.0.1:9', logger: composed.logger });
    const app = (await import('express')).default();
    app.use(dead);
    const s = app.listen(0, '127.0.0.1');
    await new Promise<void>((r) => s.once('listening', () => r()));
    const res = await fetch(`http://127.0.0.1:${(s.address() as AddressInfo).port}/anything`);
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ status: 502, error: 'Bad Gateway', path: '/anything' });
    s.close();
  });
});
