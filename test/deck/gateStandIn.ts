// A stand-in for the two parts of Gate the Deck plugin meets, doing what Gate's code does:
//  - deck-proxy (gate/gate-plugins/.../plugins/deck/*): read the repository's plugins.json (pf4j: the release url is
//    resolved against the repository URL), take the newest release whose `requires` names deck, download the zip,
//    check its sha512sum, extract it (a zip without nested zips is used as-is, else its `deck.zip`), then serve
//    GET /plugins/deck/plugin-manifest.json and GET /plugins/deck/{id}/{version}/{asset} (content type by extension);
//  - proxies (gate/gate-proxy/.../ProxyController.kt): /proxies/{id}/** forwarded to the configured uri.
// It also serves the harness page and its bundle.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { unzipSync } from 'fflate';

export interface GateStandIn {
  url: string;
  /** What deck-proxy extracted: plugin id → version → asset → bytes. */
  plugins: { id: string; version: string; files: Record<string, Uint8Array> }[];
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { '.js': 'application/javascript', '.css': 'text/css', '.html': 'text/html', '.json': 'application/json' };

export async function startGateStandIn(opts: { repositoryUrl: string; proxies: Record<string, string>; staticDir: string; indexHtml: string }): Promise<GateStandIn> {
  const index = (await (await fetch(opts.repositoryUrl)).json()) as { id: string; releases: { version: string; requires: string; url: string; sha512sum: string }[] }[];
  const plugins: GateStandIn['plugins'] = [];
  for (const p of index) {
    const release = p.releases.filter((r) => r.requires.split(',').some((x) => x.trim().startsWith('deck'))).sort((a, b) => b.version.localeCompare(a.version, undefined, { numeric: true }))[0];
    if (!release) continue;
    const zip = new Uint8Array(await (await fetch(new URL(release.url, opts.repositoryUrl))).arrayBuffer());
    const digest = createHash('sha512').update(zip).digest('hex');
    if (digest !== release.sha512sum) throw new Error(`${p.id} ${release.version}: sha512 of the download is ${digest}, plugins.json says ${release.sha512sum}`);
    let files = unzipSync(zip);
    if (files['deck.zip']) files = unzipSync(files['deck.zip']);
    plugins.push({ id: p.id, version: release.version, files });
  }

  const server: Server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://gate');
      if (url.pathname === '/plugins/deck/plugin-manifest.json') {
        res.setHeader('content-type', 'application/json');
        return void res.end(JSON.stringify(plugins.map((p) => ({ id: p.id, version: p.version }))));
      }
      const asset = url.pathname.match(/^\/plugins\/deck\/([^/]+)\/([^/]+)\/(.+)$/);
      if (asset) {
        const p = plugins.find((x) => x.id === asset[1] && x.version === asset[2]);
        const bytes = p?.files[asset[3]!];
        if (!bytes) return void res.writeHead(404).end();
        res.setHeader('content-type', TYPES[path.extname(asset[3]!)] ?? 'text/plain');
        return void res.end(Buffer.from(bytes));
      }
      const proxy = url.pathname.match(/^\/proxies\/([^/]+)(\/.*)?$/);
      if (proxy) {
        const target = opts.proxies[proxy[1]!];
        if (!target) return void res.writeHead(400).end(JSON.stringify({ message: `No proxy config found with id '${proxy[1]}'` }));
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const upstream = await fetch(target + (proxy[2] ?? '') + url.search, {
          method: req.method ?? 'GET',
          headers: req.headers['content-type'] ? { 'content-type': String(req.headers['content-type']) } : {},
          ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
        });
        res.statusCode = upstream.status >= 500 ? 502 : upstream.status;
        res.setHeader('content-type', upstream.headers.get('content-type') ?? 'text/plain');
        return void res.end(Buffer.from(await upstream.arrayBuffer()));
      }
      if (url.pathname === '/' || url.pathname === '/index.html') {
        res.setHeader('content-type', 'text/html');
        return void res.end(opts.indexHtml);
      }
      const file = path.join(opts.staticDir, path.normalize(url.pathname).replace(/^(\.\.[/\\])+/, ''));
      if (!file.startsWith(opts.staticDir)) return void res.writeHead(403).end();
      const body = readFileSync(file);
      res.setHeader('content-type', TYPES[path.extname(file)] ?? 'application/octet-stream');
      res.end(body);
    } catch (err) {
      if (!res.headersSent) res.writeHead((err as NodeJS.ErrnoException).code === 'ENOENT' ? 404 : 500);
      res.end();
    }
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    plugins,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
