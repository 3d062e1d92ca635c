// The `outrigger` command as an operator runs it: the built CLI (npm test builds it first), a real process, signals.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import net, { type AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';

const cli = path.resolve(import.meta.dirname, '../../packages/server/dist/cli.js');
const dir = mkdtempSync(path.join(tmpdir(), 'outrigger-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]) {
  const child = spawn(process.execPath, [cli, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OUTRIGGER_CONFIG: '' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

async function until(cond: () => boolean, ms = 45_000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('outrigger serve', () => {
  it('starts on embedded defaults, prints where it listens and the API reference, and stops cleanly on SIGTERM', async () => {
    const p = run(['serve', '--port', '0', '--host', '127.0.0.1']);
    await until(() => /API reference: /.test(p.out()));
    const url = /listening on (http:\/\/\S+)/.exec(p.out())![1]!;
    expect(p.out()).toContain(`API reference: ${url}/api-docs`);
    expect(p.out()).toContain(`storage: sqlite under ${path.join(dir, '.outrigger')}`);
    const health = await fetch(`${url}/health`);
    expect(await health.json()).toMatchObject({ status: 'UP' });
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  it('starts AWS clients without the AWS SDK\'s Node-version warning: it runs on the Node.js package.json\'s engines allow', async () => {
    const engines = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')).engines.node as string;
    const [major, minor] = /(\d+)\.(\d+)/.exec(engines)!.slice(1).map(Number) as [number, number];
    const [vMajor, vMinor] = process.versions.node.split('.').map(Number) as [number, number];
    expect(vMajor > major || (vMajor === major && vMinor >= minor), `tests run on Node ${process.version}, engines says ${engines}`).toBe(true);
    const file = path.join(dir, 'aws.yml');
    writeFileSync(
      file,
      'aws:\n  accounts:\n    - name: prod\n      accountId: "123456789012"\n      lambdaEnabled: true\n      regions: [us-east-1]\n      endpoint: http://127.0.0.1:9\n',
    );
    const p = run(['serve', '--config', file, '--port', '0', '--host', '127.0.0.1', '--data-dir', path.join(dir, 'aws-data')]);
    await until(() => /API reference: /.test(p.out()));
    const url = /listening on (http:\/\/\S+)/.exec(p.out())![1]!;
    await fetch(`${url}/functions`); // the Lambda and STS clients of account prod exist now
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.err()).not.toMatch(/NodeVersionSupportWarning|will require node|ExperimentalWarning/);
  });

  it('on embedded defaults listens on 127.0.0.1 only and says so; --host or a config file opens it wider', async () => {
    const p = run(['serve', '--port', '0', '--data-dir', path.join(dir, 'bind-data')]);
    await until(() => /API reference: /.test(p.out()));
    const line = p.out().split('\n')[0]!;
    expect(line).toMatch(/^outrigger listening on http:\/\/127\.0\.0\.1:\d+ \(this machine only; pass --host 0\.0\.0\.0 or set server\.host in a config file to accept other machines\)/);
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(line)![1]);
    const external = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (external) await expect(fetch(`http://${external}:${port}/health`)).rejects.toThrow();
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);

    const wide = run(['serve', '--port', '0', '--host', '0.0.0.0', '--data-dir', path.join(dir, 'bind-data')]);
    await until(() => /API reference: /.test(wide.out()));
    expect(wide.out()).toMatch(/^outrigger listening on http:\/\/0\.0\.0\.0:\d+ \(all interfaces\)/);
    expect(wide.out()).toMatch(/API reference: http:\/\/localhost:\d+\/api-docs/);
    wide.child.kill('SIGTERM');
    expect(await wide.exited).toBe(0);

    const file = path.join(dir, 'plain.yml');
    writeFileSync(file, 'storage:\n  type: memory\nserver:\n  port: 0\n');
    const configured = run(['serve', '--config', file]);
    await until(() => /API reference: /.test(configured.out()));
    expect(configured.out()).toMatch(/^outrigger listening on http:\/\/0\.0\.0\.0:\d+ \(all interfaces\)/);
    configured.child.kill('SIGTERM');
    expect(await configured.exited).toBe(0);
  }, 180_000);

  it('refuses a bad config file with the file, key path and expectation, exit code 2', async () => {
    const file = path.join(dir, 'bad.yml');
    writeFileSync(file, 'server:\n  port: seventy\n');
    const p = run(['serve', '--config', file]);
    expect(await p.exited).toBe(2);
    expect(p.err()).toContain(`${file}: server.port: Invalid input: expected number, received string`);
  });

  it('names every config error at once: unknown keys of its own sections with a "did you mean", pasted sections left alone', async () => {
    const file = path.join(dir, 'typos.yml');
    writeFileSync(
      file,
      [
        'server:',
        '  port: seventy',
        'bake:',
        '  maxConcurentBakes: 2',
        '  packer:',
        '    timeoutMinute: 30',
        'lambda:',
        '  inventory:',
        '    enabeld: true',
        'aws:',
        '  defaultAssumeRole: role/spinnakerManaged',
        '  bakeryDefaults:',
        '    templateFile: aws-ebs.json',
        '  accounts:',
        '    - name: prod',
        '      accountId: "123456789012"',
        '      providerVersion: V1',
        'rosco:',
        '  configDir: /opt/rosco/config/packer',
        'redis:',
        '  connection: redis://localhost:6379',
        '',
      ].join('\n'),
    );
    const p = run(['serve', '--config', file]);
    expect(await p.exited).toBe(2);
    const err = p.err();
    expect(err).toContain('invalid configuration (4 errors)');
    expect(err).toContain(`${file}: server.port: Invalid input: expected number, received string`);
    expect(err).toContain(`${file}: bake.maxConcurentBakes: unknown key (did you mean maxConcurrentBakes?)`);
    expect(err).toContain(`${file}: bake.packer.timeoutMinute: unknown key (did you mean timeoutMinutes?)`);
    expect(err).toContain(`${file}: lambda.inventory.enabeld: unknown key (did you mean enabled?)`);
    expect(err).not.toMatch(/rosco|redis|providerVersion|defaultAssumeRole|templateFile/);
  });

  it('refuses unknown flags and bad ports with usage, exit code 2', async () => {
    const a = run(['serve', '--port', 'abc']);
    expect(await a.exited).toBe(2);
    expect(a.err()).toContain('--port: expected a port number, got "abc"');
    const b = run(['serve', '--nope']);
    expect(await b.exited).toBe(2);
    expect(b.err()).toMatch(/Unknown option '--nope'/);
  });
});

describe('every command', () => {
  it('answers --help on stdout with exit code 0', async () => {
    const all = [['--help'], ['serve', '--help'], ['render', '--help'], ['validate', '-h'], ['bake', '--help'], ['lambda-feed', '--help']].map((args) => ({ args, p: run(args) }));
    for (const { args, p } of all) {
      expect(await p.exited, args.join(' ')).toBe(0);
      expect(p.out(), args.join(' ')).toMatch(/usage/);
      expect(p.err(), args.join(' ')).toBe('');
    }
  }, 120_000);

  it('outrigger bake --server against a dead server names the URL, without a stack trace', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((r) => closed.close(() => r()));
    const request = path.join(dir, 'bake.json');
    writeFileSync(request, JSON.stringify({ package: 'nginx', base_os: 'ubuntu', cloud_provider_type: 'aws' }));
    const p = run(['bake', request, '--server', url]);
    expect(await p.exited).toBe(1);
    expect(p.err()).toContain(`cannot reach the outrigger server at ${url} (ECONNREFUSED)`);
    expect(p.err()).not.toMatch(/\n\s+at /);
  });

  it('counts in words that agree with the number ("1 error")', async () => {
    const file = path.join(dir, 'td.json');
    writeFileSync(file, JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'web', image: 'PLACEHOLDER' }] }));
    const p = run(['validate', file]);
    expect(await p.exited).toBe(1);
    expect(p.out()).toMatch(/^FAILED: 1 error$/m);
    const ok = run(['validate', file, '--image', 'web=nginx:1']);
    expect(await ok.exited).toBe(0);
    expect(ok.out()).toMatch(/^OK: 1 container, \d+ warnings?$/m);
  });
});
