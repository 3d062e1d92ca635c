import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Turns SDK values into JSON and back (bytes as `{__bytes: base64}`, dates as ISO strings). */
export function toWire(v: unknown): unknown {
  if (v instanceof Uint8Array) return { __bytes: Buffer.from(v).toString('base64') };
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(toWire);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toWire(x)]));
  return v;
}
export function fromWire(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fromWire);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.__bytes === 'string' && Object.keys(o).length === 1) return new Uint8Array(Buffer.from(o.__bytes, 'base64'));
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, fromWire(x)]));
  }
  return v;
}

type Fake = { send(command: { input: Record<string, unknown>; constructor: { name: string } }): Promise<unknown> };

/**
 * Serves the parent test's stateful fakes to a child outrigger process: the child's SDK clients send
 * `{client, command, input}` here and get AWS's answer or its exception (name and message), so the fakes' state
 * outlives a SIGKILLed child. `before` sees every command first; returning 'hold' keeps that call unapplied and
 * unanswered (to kill the child while it waits). `after` runs once AWS applied a command, before the child hears back.
 */
type Hook<R> = (client: string, command: string, input: Record<string, unknown>) => Promise<R> | R;
export async function startAwsBridge(fakes: Record<string, Fake>, hooks: { before?: Hook<'hold' | void>; after?: Hook<void> } = {}) {
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      const { client, command, input } = JSON.parse(body) as { client: string; command: string; input: Record<string, unknown> };
      const fake = fakes[client];
      let status = 200;
      let out: unknown;
      try {
        if (!fake) throw new Error(`no fake for ${client}`);
        const named = { input: fromWire(input) as Record<string, unknown>, constructor: { name: command } };
        if ((await hooks.before?.(client, command.replace(/Command$/, ''), named.input)) === 'hold') return;
        out = toWire(await fake.send(named as never));
        await hooks.after?.(client, command.replace(/Command$/, ''), named.input);
      } catch (err) {
        status = 400;
        out = { error: { name: (err as Error).name, message: (err as Error).message } };
      }
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(out ?? {}));
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}
