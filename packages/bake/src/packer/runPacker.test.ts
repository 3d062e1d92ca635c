import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPackerArgs } from './buildPackerArgs.js';
import { amazonImages, parseMachineReadable } from './parseMachineReadable.js';
import { isPackerAlive, readExitCode, readOutput, signalPacker, startPacker } from './runPacker.js';

const until = async (check: () => boolean) => {
  while (!check()) await new Promise((r) => setTimeout(r, 25));
};

describe('runPacker (real Packer, detached under the wrapper)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'outrigger-runpacker-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const template = path.join(dir, 't.json');
  writeFileSync(
    template,
    JSON.stringify({
      variables: { seconds: '0', word: '' },
      builders: [{ type: 'null', name: 'image', communicator: 'none' }],
      provisioners: [{ type: 'shell-local', inline: ['echo "word: {{user `word`}}"', 'sleep {{user `seconds`}}'] }],
    }),
  );
  const run = (name: string, vars: Record<string, string>) => {
    const runDir = path.join(dir, name);
    const varFile = path.join(dir, `${name}.json`);
    writeFileSync(varFile, JSON.stringify(vars));
    mkdirSync(runDir, { recursive: true });
    const pid = startPacker({ binary: 'packer', args: buildPackerArgs({ template, privateVarFile: varFile, varFiles: [] }), runDir, env: {} });
    return { runDir, pid };
  };

  it('writes machine-readable output and the exit code; variables come from the var-file, not argv', async () => {
    const { runDir, pid } = run('ok', { word: 'a, b' });
    await until(() => readExitCode(runDir) !== undefined);
    expect(readExitCode(runDir)).toBe(0);
    const { lines, nextOffset } = readOutput(runDir, 0);
    expect(nextOffset).toBeGreaterThan(0);
    expect(lines.join('\n')).toContain('word: a%!(PACKER_COMMA) b');
    expect(parseMachineReadable(lines.join('\n')).artifacts[0]).toMatchObject({ builderId: 'fnoeding.null', id: 'Null' });
    expect(amazonImages(parseMachineReadable(lines.join('\n')).artifacts)).toEqual([]);
    await until(() => !isPackerAlive(pid, runDir));
  });

  it('cancels by signalling the process group; the wrapper still records Packer\'s (non-zero) exit code', async () => {
    // A 300 s provisioner: if the signal did not stop Packer, this test would run into vitest's timeout.
    const { runDir, pid } = run('cancel', { seconds: '300' });
    await until(() => readOutput(runDir, 0).lines.some((l) => l.includes('word:')));
    expect(isPackerAlive(pid, runDir)).toBe(true);
    expect(signalPacker(pid)).toBe(true);
    await until(() => readExitCode(runDir) !== undefined);
    // The group signal stopped Packer and its provisioner, and the wrapper still wrote an exit code. Packer usually exits
    // 1 ("Cancelling build after receiving terminated"), but when the signal reaches the provisioner's child first it can
    // exit 0, so the bake service judges a cancelled bake by its cancel flag, not the code (createBakeProvider tests).
    await until(() => !isPackerAlive(pid, runDir));
    expect(readExitCode(runDir)).toEqual(expect.any(Number));
  });
});

