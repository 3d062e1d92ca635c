import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { serve } from '../serve.js';

const USAGE = `usage: outrigger bake REQUEST.json [--server URL] [--region REGION] [--rebake] [--config FILE] [--data-dir DIR]

Submits a Rosco bake request (snake_case JSON, as Orca sends it) to an outrigger server (--server, e.g.
http://localhost:7011), or bakes in-process when --server is absent (config from --config or OUTRIGGER_CONFIG).
Packer's progress is printed live; exits 0 when the bake is COMPLETED/SUCCESS, 1 otherwise.
`;

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

async function json(res: Response): Promise<any> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}

/** A server that does not answer: the URL and the reason in one line, no stack trace. */
class Unreachable extends Error {}

/** Submits, follows the log by offset, and prints the bake. Returns the exit code. */
export async function runBake(baseUrl: string, request: unknown, opts: { region: string; rebake: boolean }, io: Io): Promise<number> {
  try {
    return await followBake(baseUrl, request, opts, io);
  } catch (err) {
    if (!(err instanceof Unreachable)) throw err;
    io.err(`outrigger bake: ${err.message}\n`);
    return 1;
  }
}

async function followBake(baseUrl: string, request: unknown, opts: { region: string; rebake: boolean }, io: Io): Promise<number> {
  const base = baseUrl.replace(/\/$/, '');
  const fetch = async (url: string, init?: RequestInit): Promise<Response> => {
    try {
      return await globalThis.fetch(url, init);
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new Unreachable(`cannot reach the outrigger server at ${base} (${cause?.code ?? cause?.message ?? (err as Error).message}); is it running, and is --server right?`);
    }
  };
  const res = await fetch(`${base}/api/v1/${encodeURIComponent(opts.region)}/bake${opts.rebake ? '?rebake=1' : ''}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-SPINNAKER-USER': process.env.USER ?? 'outrigger-cli' },
    body: JSON.stringify(request),
  });
  const status = await json(res);
  if (!res.ok) {
    io.err(`bake refused (HTTP ${res.status}): ${status.message}\n`);
    for (const e of status.errors ?? []) io.err(`  ${e.field}: ${e.message}\n`);
    return 1;
  }
  const id = status.id as string;
  io.err(`bake ${id}: ${status.state}${status.queue_position ? ` (queue position ${status.queue_position})` : ''}\n`);
  let offset = 0;
  let last: any = status;
  for (;;) {
    const logs = await fetch(`${base}/api/v1/${opts.region}/logs/${id}?offset=${offset}&limit=1000`);
    if (logs.ok) {
      const page = (await logs.json()) as { logsContent?: string; nextOffset?: number };
      if (page.logsContent) io.err(`${page.logsContent}\n`);
      offset = page.nextOffset ?? offset;
    }
    last = await json(await fetch(`${base}/api/v1/${opts.region}/status/${id}`));
    if (last.state !== 'RUNNING') {
      const rest = await fetch(`${base}/api/v1/${opts.region}/logs/${id}?offset=${offset}&limit=10000`);
      if (rest.ok) {
        const page = (await rest.json()) as { logsContent?: string };
        if (page.logsContent) io.err(`${page.logsContent}\n`);
      }
      break;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  if (last.state === 'COMPLETED' && last.result === 'SUCCESS') {
    const bake = await json(await fetch(`${base}/api/v1/${opts.region}/bake/${id}`));
    io.out(`${JSON.stringify(bake, null, 2)}\n`);
    return 0;
  }
  io.err(`bake ${id} ended ${last.state}/${last.result ?? ''}: ${last.message ?? ''}\n`);
  return 1;
}

/** `outrigger bake REQUEST.json [--server URL]`. */
export async function bakeCommand(argv: string[], io: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      server: { type: 'string', short: 's' },
      region: { type: 'string', short: 'r' },
      rebake: { type: 'boolean' },
      config: { type: 'string', short: 'c' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length !== 1) {
    (values.help ? io.out : io.err)(USAGE);
    return values.help ? 0 : 2;
  }
  let request: Record<string, unknown>;
  try {
    request = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    io.err(`outrigger bake: cannot read ${positionals[0]}: ${(err as Error).message}\n`);
    return 2;
  }
  const region = values.region ?? (typeof request.region === 'string' ? request.region : 'us-east-1');
  const opts = { region, rebake: values.rebake === true };
  if (values.server) return runBake(values.server, request, opts, io);
  const serving = await serve({
    ...(values.config ? { configFile: values.config } : {}),
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    port: 0,
    host: '127.0.0.1',
    logLevel: 'warn',
    print: () => {},
  });
  try {
    return await runBake(serving.url, request, opts, io);
  } finally {
    await serving.stop();
  }
}
