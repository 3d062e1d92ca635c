import { spawn } from 'node:child_process';
import { createTestPostgres } from '@outrigger/runtime/testing';
import { createLogger } from '@outrigger/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import type { BakeConfig } from '../config/BakeConfigSchema.js';
import type { BakeRecord } from '../store/BakeRecord.js';
import { bakeRecord } from '../store/bakeStore.cases.js';
import { PostgresBakeStore } from '../store/PostgresBakeStore.js';
import { createBakeQueue } from './createBakeQueue.js';
import type { BakeLog } from './createBakeLog.js';
import type { OutputFollower } from './createOutputFollower.js';
import type { PackerLifecycle } from './createPackerLifecycle.js';

const pg = await createTestPostgres();
afterAll(() => pg?.drop());

describe.skipIf(!pg)('bake queue fencing (two replicas on one PostgreSQL schema)', () => {
  it('a stalled replica whose running bake was adopted elsewhere stops its own Packer group and writes nothing more', async () => {
    const stalled = new PostgresBakeStore(pg!.open(), 'queue-stalled');
    const survivor = new PostgresBakeStore(pg!.open(), 'queue-survivor');
    // The stalled replica's "Packer run": a real detached process group.
    const packer = spawn('sleep', ['120'], { detached: true, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((r) => packer.once('exit', (_code, signal) => r(signal)));
    const pid = packer.pid!;
    try {
      await stalled.heartbeat(1000);
      await stalled.insert(bakeRecord({ id: 'qf', bakeKey: 'qf', phase: 'running', pid, runDir: '/tmp/outrigger-queue-stalled/qf' }));
      const followed: string[] = [];
      const forgotten: string[] = [];
      const follower: OutputFollower = {
        follow: async (b: BakeRecord) => (followed.push(b.id), { ended: false, settling: false, bake: b }),
        forget: (id) => forgotten.push(id),
      };
      const lifecycle: PackerLifecycle = { launch: async () => {}, cancel: () => {}, supervise: async () => {}, forget: () => {} };
      const log: BakeLog = { write: async () => {} } as unknown as BakeLog;
      const queue = createBakeQueue({
        config: { maxConcurrentBakes: 4, packer: { pollMillis: 60_000 } } as BakeConfig,
        store: stalled,
        log,
        logger: createLogger({ level: 'silent' }),
        lifecycle,
        follower,
        finish: async (b) => b,
        bakesDir: '/tmp/outrigger-queue-stalled',
        now: () => 2000,
      });
      await queue.start();
      expect(followed).toEqual(['qf']);
      // A lease pass while the bake is still its own leaves the run alone.
      await queue.adoptOrphans(0);
      expect(packer.exitCode === null && packer.signalCode === null).toBe(true);
      // The replica stalls; the survivor adopts the bake and runs Packer again (attempt 2, its own run dir and pid).
      await survivor.heartbeat(9000);
      const [adopted] = await survivor.adoptOrphans(4000, 6000);
      const { adoptedFrom: _from, ...mine } = adopted!;
      await survivor.update({ ...mine, phase: 'running', pid: 999_999, attempt: 2, runDir: '/tmp/outrigger-queue-survivor/qf' });
      const asSurvivorWroteIt = await survivor.get('qf');
      // The stalled replica wakes up: its next lease pass finds the bake owned elsewhere and signals its own group.
      await queue.adoptOrphans(0);
      expect(await exited).toBe('SIGTERM');
      expect(forgotten).toContain('qf');
      expect(await queue.runningCount()).toBe(0);
      // A write it still had in flight (the old run's end) is refused by the store.
      await stalled.update({ ...(await stalled.get('qf'))!, ownerId: 'queue-stalled', attempt: 1, state: 'COMPLETED', result: 'SUCCESS', phase: 'done' });
      expect(await survivor.get('qf')).toEqual(asSurvivorWroteIt);
      queue.stop();
    } finally {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
});
