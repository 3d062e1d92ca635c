import { lookup as realLookup } from 'node:dns';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowedHostsProblems, createArtifactFetcher, createHostPolicy } from './createArtifactFetcher.js';

let server: http.Server;
let port: number;
let hits: string[] = [];
beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(req.url!);
    if (req.url === '/td.json') return void res.end('{"family":"web"}');
    if (req.url === '/missing') return void res.writeHead(404).end('no');
    if (req.url === '/boom') return void res.writeHead(500).end('boom');
    if (req.url?.startsWith('/redirect?to=')) return void res.writeHead(302, { location: decodeURIComponent(req.url.slice('/redirect?to='.length)) }).end();
    if (req.url === '/auth') return void res.end(String(req.headers.authorization ?? 'none'));
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => server.close());

/** DNS for tests: `*.test` names resolve to 127.0.0.1, everything else as usual. */
const lookup = ((hostname: string, options: object, cb: (...a: unknown[]) => void) => {
  if (hostname.endsWith('.test')) return cb(null, [{ address: '127.0.0.1', family: 4 }]);
  return realLookup(hostname, options as never, cb as never);
}) as never;

const get = (allowedHosts: string[], url: string, extra: { followRedirects?: boolean; headers?: Record<string, string> } = {}) =>
  createArtifactFetcher({ allowedHosts, lookup })(url, { maxBytes: 1 << 20, timeoutMs: 5000, ...extra });

const UNIFORM = /could not be fetched: the address is not allowed \(artifacts\.allowedHosts\), it did not answer, or it answered with an error/;

async function failure(p: Promise<unknown>) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e as Error & { errors?: unknown },
  );
  expect(err, 'the fetch should have failed').toBeDefined();
  return err!;
}

describe('createArtifactFetcher', () => {
  it('refuses a loopback server by default, without connecting', async () => {
    hits = [];
    const err = await failure(get([], `http://127.0.0.1:${port}/td.json`));
    expect(err.name).toBe('InputError');
    expect(err.message).toMatch(UNIFORM);
    expect(err.errors).toEqual([{ field: '$.body.artifact', message: 'could not be fetched' }]);
    expect(hits).toEqual([]);
  });

  it('allows a loopback server when artifacts.allowedHosts lists its address, CIDR or name', async () => {
    for (const [allowed, url] of [
      [['127.0.0.1'], `http://127.0.0.1:${port}/td.json`],
      [['127.0.0.0/8'], `http://127.0.0.1:${port}/td.json`],
      [['repo.test'], `http://repo.test:${port}/td.json`],
      [['*.corp.test'], `http://artifacts.corp.test:${port}/td.json`],
      [['localhost'], `http://localhost:${port}/td.json`],
    ] as const) {
      const r = await get([...allowed], url);
      expect(r.body.toString(), `${allowed} → ${url}`).toBe('{"family":"web"}');
    }
  });

  it('checks the resolved address, not the name: a DNS name resolving to 127.0.0.1 is refused', async () => {
    hits = [];
    expect((await failure(get([], `http://innocent.test:${port}/td.json`))).message).toMatch(UNIFORM);
    expect((await failure(get(['other.test'], `http://localhost:${port}/td.json`))).message).toMatch(UNIFORM);
    expect(hits).toEqual([]);
  });

  it('refuses link-local (cloud metadata), private, IPv6 loopback and IPv4-mapped loopback addresses', async () => {
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/', 'http://192.168.1.1/', 'http://[::1]:1/', `http://[::ffff:127.0.0.1]:${port}/td.json`, 'http://[fd00:ec2::254]/']) {
      expect((await failure(get([], url))).message, url).toMatch(UNIFORM);
    }
  });

  it('checks again after each redirect: a listed host redirecting to a refused address is refused', async () => {
    hits = [];
    const to = encodeURIComponent(`http://127.0.0.2:${port}/td.json`);
    const err = await failure(get(['repo.test'], `http://repo.test:${port}/redirect?to=${to}`));
    expect(err.message).toMatch(UNIFORM);
    const viaName = encodeURIComponent(`http://innocent.test:${port}/td.json`);
    expect((await failure(get(['repo.test'], `http://repo.test:${port}/redirect?to=${viaName}`))).message).toMatch(UNIFORM);
    expect(hits.filter((h) => h === '/td.json')).toEqual([]);
    // to a listed place it is followed
    const ok = encodeURIComponent(`http://repo.test:${port}/td.json`);
    expect((await get(['repo.test'], `http://repo.test:${port}/redirect?to=${ok}`)).body.toString()).toBe('{"family":"web"}');
  });

  it('drops Authorization when a redirect leaves the origin, and can refuse redirects altogether', async () => {
    const to = encodeURIComponent(`http://mirror.test:${port}/auth`);
    const r = await get(['repo.test', 'mirror.test'], `http://repo.test:${port}/redirect?to=${to}`, { headers: { Authorization: 'Bearer secret' } });
    expect(r.body.toString()).toBe('none');
    const same = await get(['repo.test'], `http://repo.test:${port}/auth`, { headers: { Authorization: 'Bearer secret' } });
    expect(same.body.toString()).toBe('Bearer secret');
    expect((await failure(get(['repo.test'], `http://repo.test:${port}/redirect?to=${to}`, { followRedirects: false }))).message).toMatch(UNIFORM);
  });

  it('answers every failure the same way: refused, closed port, 404, 500, bad scheme', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const errors = await Promise.all(
      [
        get([], `http://127.0.0.1:${port}/td.json`),
        get(['127.0.0.1'], `http://127.0.0.1:${closedPort}/td.json`),
        get(['127.0.0.1'], `http://127.0.0.1:${port}/missing`),
        get(['127.0.0.1'], `http://127.0.0.1:${port}/boom`),
        get(['127.0.0.1'], `file:///etc/passwd`),
      ].map(failure),
    );
    const shapes = errors.map((e) => ({ name: e.name, message: e.message.replace(/at \S+ could/, 'at URL could'), errors: e.errors }));
    for (const s of shapes) expect(s).toEqual(shapes[0]);
  });

  it('never shows credentials or the query of the URL in its error', async () => {
    const err = await failure(get([], `http://user:pw@127.0.0.1:${port}/td.json?token=abc`));
    expect(err.message).not.toMatch(/pw|abc|user/);
  });

  it('stops reading at maxBytes with a "too large" naming the field', async () => {
    const err = await failure(createArtifactFetcher({ allowedHosts: ['127.0.0.1'] })(`http://127.0.0.1:${port}/td.json`, { maxBytes: 4, timeoutMs: 5000, field: '$.body.x' }));
    expect(err.errors).toEqual([{ field: '$.body.x', message: 'too large' }]);
  });
});

describe('createHostPolicy', () => {
  it('allows public unicast and refuses the rest unless listed', () => {
    const p = createHostPolicy([]);
    for (const a of ['93.184.216.34', '8.8.8.8', '2606:4700::1111']) expect(p.allowsAddress(a), a).toBe(true);
    for (const a of ['127.0.0.1', '127.9.9.9', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fc00::1', 'fd00:ec2::254', '::ffff:10.0.0.1', '::ffff:a9fe:a9fe'])
      expect(p.allowsAddress(a), a).toBe(false);
    const q = createHostPolicy(['10.0.0.0/8', 'fd00::/8', '169.254.169.254']);
    expect(q.allowsAddress('10.4.5.6')).toBe(true);
    expect(q.allowsAddress('fd12::1')).toBe(true);
    expect(q.allowsAddress('169.254.169.254')).toBe(true);
    expect(q.allowsAddress('192.168.0.1')).toBe(false);
  });

  it('reports config entries that are neither names nor addresses', () => {
    expect(allowedHostsProblems(['artifacts.corp', '*.corp.example', '10.0.0.0/8', '::1', 'fd00::/8'])).toEqual([]);
    expect(allowedHostsProblems(['http://x/', '10.0.0.0/40', 'a b'])).toEqual([
      { index: 0, message: '"http://x/" is not a host name, IP address or CIDR' },
      { index: 1, message: '"10.0.0.0/40" is not a CIDR (address/prefix)' },
      { index: 2, message: '"a b" is not a host name, IP address or CIDR' },
    ]);
  });
});
