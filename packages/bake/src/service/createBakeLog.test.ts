import { openSqlite } from '@outrigger/runtime';
import { describe, expect, it } from 'vitest';
import type { BakeRecord } from '../store/BakeRecord.js';
import { SqliteBakeStore } from '../store/SqliteBakeStore.js';
import { createBakeLog } from './createBakeLog.js';

const bake: BakeRecord = {
  id: 'b1', bakeKey: 'k', region: 'r', provider: 'local', state: 'RUNNING', phase: 'running',
  recipe: { template: 't', varFiles: [], variables: {}, imageName: 'img', baseImage: 'b', artifactMetadata: {}, masked: [] },
  runDir: '/tmp/x', cancelRequested: false, outOffset: 0, images: [], files: [], forgotten: false, createdMs: 1, updatedMs: 1,
};

describe('createBakeLog', () => {
  it('never stamps a line before the previous one: Packer lines are stamped when read, with Packer\'s own time in the text', async () => {
    const store = new SqliteBakeStore(openSqlite(':memory:'));
    await store.insert(bake);
    let clock = Date.parse('2026-12-07T12:00:00.750Z');
    const log = createBakeLog({ store, now: () => clock });
    await log.write(bake, 'packer started');
    // Packer prints whole seconds: its line says 12:00:00.000, before the line above.
    await log.appendOutput(bake, [{ packerTimeMs: Date.parse('2026-12-07T12:00:00Z'), text: 'installing' }, { text: 'raw stderr-ish line' }], 10);
    clock -= 5_000; // the host clock steps back
    await log.write(bake, 'still going');
    // A restarted process continues from what is stored.
    const restarted = createBakeLog({ store, now: () => clock - 60_000 });
    await restarted.appendOutput(bake, [{ packerTimeMs: Date.parse('2026-12-07T11:59:00Z'), text: 'after restart' }], 20);
    const lines = await store.readLog('b1');
    const stamps = lines.map((l) => l.timestampMs);
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
    expect(stamps[0]).toBe(Date.parse('2026-12-07T12:00:00.750Z'));
    expect(lines.map((l) => l.text)).toEqual([
      'packer started',
      '[packer 2026-12-07T12:00:00Z] installing',
      'raw stderr-ish line',
      'still going',
      '[packer 2026-12-07T11:59:00Z] after restart',
    ]);
    expect(log.format(lines[1]!)).toBe('2026-12-07T12:00:00.750Z [packer 2026-12-07T12:00:00Z] installing');
  });
});
