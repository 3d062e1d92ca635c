import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';

/**
 * The only file that starts Packer. A fixed wrapper script (its inputs are positional arguments, never interpolated)
 * runs Packer with its machine-readable output going to a file and writes Packer's exit code to another file when it
 * ends, so a restarted outrigger can re-attach: read the file, poll the pid, pick up the exit code. The wrapper runs
 * in its own process group (detached) and survives outrigger; cancelling signals the whole group. The wrapper traps
 * TERM/INT/HUP (handlers reset on exec, so Packer and its children still get them) so the exit code is always written.
 * `umask 077`: the output, exit code and whatever Packer writes (the local image) are readable by this user only.
 */
const WRAPPER = 'umask 077; out="$1"; err="$2"; code="$3"; shift 3; trap ":" HUP INT TERM; "$@" >"$out" 2>"$err"; echo $? >"$code.tmp"; mv "$code.tmp" "$code"';

export interface PackerRunFiles {
  out: string;
  err: string;
  exitCode: string;
}

export function packerRunFiles(runDir: string): PackerRunFiles {
  return { out: path.join(runDir, 'packer.out'), err: path.join(runDir, 'packer.err'), exitCode: path.join(runDir, 'packer.exitcode') };
}

/** Starts `binary args...` detached under the wrapper; returns the wrapper's pid (= its process group id). */
export function startPacker(opts: { binary: string; args: string[]; runDir: string; env: Record<string, string | undefined> }): number {
  const files = packerRunFiles(opts.runDir);
  const child = execa('sh', ['-c', WRAPPER, 'outrigger-packer', files.out, files.err, files.exitCode, opts.binary, ...opts.args], {
    cwd: opts.runDir,
    detached: true,
    cleanup: false,
    reject: false,
    stdio: 'ignore',
    env: { CHECKPOINT_DISABLE: '1', PACKER_NO_COLOR: '1', ...opts.env },
    extendEnv: true,
  });
  child.catch(() => {});
  if (child.pid === undefined) throw new Error(`could not start ${opts.binary} (sh not found?)`);
  child.unref();
  return child.pid;
}

/** Packer's exit code, once the wrapper wrote it. */
export function readExitCode(runDir: string): number | undefined {
  const f = packerRunFiles(runDir).exitCode;
  if (!existsSync(f)) return undefined;
  const n = Number(readFileSync(f, 'utf8').trim());
  return Number.isInteger(n) ? n : 255;
}

/** Whether the wrapper of this run still lives (the pid exists, is not a zombie, and is our wrapper for this run dir). */
export function isPackerAlive(pid: number, runDir: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (/\) Z /.test(stat)) return false;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes(runDir);
  } catch {
    // No /proc (not Linux): trust kill(0).
    return true;
  }
}

/**
 * Whether any live process is left in the run's process group (Packer, its plugins, shell-local children, the wrapper).
 * Zombies do not count. Uses /proc where there is one, else `kill(-pgid, 0)`.
 */
export function processGroupAlive(pgid: number): boolean {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[2]) === pgid && rest[0] !== 'Z') return true;
    } catch {
      // exited meanwhile
    }
  }
  return false;
}

/** Signals the whole process group of the run (Packer, its plugins and shell-local children). */
export function signalPacker(pid: number, signal: NodeJS.Signals = 'SIGTERM'): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Complete lines of Packer's output from byte `offset` on, and the offset after the last complete line. */
export function readOutput(runDir: string, offset: number, maxBytes = 4 * 1024 * 1024): { lines: string[]; nextOffset: number } {
  const f = packerRunFiles(runDir).out;
  let size: number;
  try {
    size = statSync(f).size;
  } catch {
    return { lines: [], nextOffset: offset };
  }
  if (size <= offset) return { lines: [], nextOffset: offset };
  const len = Math.min(size - offset, maxBytes);
  const buf = Buffer.alloc(len);
  const fd = openSync(f, 'r');
  try {
    readSync(fd, buf, 0, len, offset);
  } finally {
    closeSync(fd);
  }
  const last = buf.lastIndexOf(0x0a);
  if (last < 0) return { lines: [], nextOffset: offset };
  const text = buf.subarray(0, last).toString('utf8');
  return { lines: text.split('\n'), nextOffset: offset + last + 1 };
}

/** Thrown when the Packer binary cannot be run at all (not installed, not executable). */
export class PackerUnavailableError extends Error {
  override readonly name = 'PackerUnavailableError';
}

/** `packer version` (health): the version line, or throws `PackerUnavailableError`. */
export async function packerVersion(binary: string): Promise<string> {
  const r = await execa(binary, ['version'], { reject: false, env: { CHECKPOINT_DISABLE: '1' }, extendEnv: true, timeout: 30_000 });
  if (r.exitCode !== 0) throw new PackerUnavailableError(`${binary} cannot be run: ${r.shortMessage ?? r.stderr}`);
  return String(r.stdout).split('\n')[0] ?? '';
}

/** `packer validate`: resolves to `undefined` when valid, else Packer's message. */
export async function validateTemplate(opts: { binary: string; args: string[]; cwd: string }): Promise<string | undefined> {
  const r = await execa(opts.binary, opts.args, { cwd: opts.cwd, reject: false, env: { CHECKPOINT_DISABLE: '1' }, extendEnv: true, timeout: 60_000 });
  if (r.exitCode === 0) return undefined;
  if (r.exitCode === undefined && !r.timedOut) throw new PackerUnavailableError(`${opts.binary} cannot be run: ${r.shortMessage}`);
  const text = `${r.stdout}\n${r.stderr}`.trim();
  return text || r.shortMessage || `packer validate exited with ${r.exitCode}`;
}
