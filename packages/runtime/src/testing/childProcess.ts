// Real outrigger child processes for the restart and kill -9 tests (packages and test/): a fixture entry (composing
// some providers, config from OUTRIGGER_TEST_CONFIG, printing `LISTENING <url>`) bundled with esbuild at test time.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

/**
 * Bundles `entry` (TypeScript) into `outDir/<name>-<pid>.mjs`: the workspace's own packages are bundled, npm packages
 * stay external (resolved from node_modules next to `outDir`, as the server resolves them). Returns the bundle's path;
 * `remove()` deletes it.
 */
export async function bundleChild(entry: string, outDir: string, name: string): Promise<{ file: string; remove: () => void }> {
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${name}-${process.pid}.mjs`);
  await build({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    logLevel: 'silent',
    plugins: [{ name: 'external-npm', setup: (b) => void b.onResolve({ filter: /^[^./]/ }, (a) => (a.path.startsWith('@outrigger/') ? undefined : { path: a.path, external: true })) }],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  return { file, remove: () => rmSync(file, { force: true }) };
}

/** A started child and its URL. */
export interface Child {
  child: ChildProcess;
  url: string;
}

/** Starts `bundle` with its config (and more environment) and resolves once it printed `LISTENING <url>`. */
export function startChild(bundle: string, config: Record<string, unknown>, opts: { env?: Record<string, string>; cwd?: string } = {}): Promise<Child> {
  const child = spawn(process.execPath, [bundle], {
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    env: { ...process.env, ...opts.env, OUTRIGGER_TEST_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise<Child>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      const m = /LISTENING (\S+)/.exec((buf += d.toString()));
      if (m) resolve({ child, url: m[1]! });
    });
    child.once('exit', (code, signal) => reject(new Error(`outrigger child exited with ${code ?? signal}`)));
  });
}

/** SIGKILL, as a pod's death or `kill -9`; resolves once the process is gone. */
export async function kill9(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await gone;
}

export const json = async (url: string, init?: RequestInit) => {
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as any };
};

export const postJson = (url: string, body: unknown) => json(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Polls `GET /task/{id}` (as Orca's MonitorKatoTask does) until the task is completed; returns it. */
export async function finishedTask(url: string, id: string): Promise<any> {
  for (;;) {
    const { body } = await json(`${url}/task/${id}`);
    if (body.status?.completed) return body;
    await new Promise((r) => setTimeout(r, 20));
  }
}
