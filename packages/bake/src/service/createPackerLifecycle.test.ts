import { describe, expect, it } from 'vitest';
import type { BakeConfig } from '../config/BakeConfigSchema.js';
import { bakeRecord } from '../store/bakeStore.cases.js';
import type { BakeStore } from '../store/BakeStore.js';
import type { BakeLog } from './createBakeLog.js';
import type { PackerIdentity } from './createPackerIdentity.js';
import { createPackerLifecycle, KILL_AFTER_MS, RESIGNAL_MS } from './createPackerLifecycle.js';

/** A lifecycle on a hand-moved clock that records the signals it sends and the log lines it writes. */
function lifecycleOnClock() {
  let t = 1_000_000;
  const sent: { at: number; pgid: number; sig: NodeJS.Signals }[] = [];
  const lines: string[] = [];
  const updates: unknown[] = [];
  const lifecycle = createPackerLifecycle({
    config: { packer: { timeoutMinutes: 1 } } as BakeConfig,
    store: { update: async (b: unknown) => void updates.push(b) } as unknown as BakeStore,
    log: { write: async (_b: unknown, text: string) => void lines.push(text) } as unknown as BakeLog,
    identity: { forget: () => {} } as unknown as PackerIdentity,
    now: () => t,
    signalGroup: (pgid, sig) => (sent.push({ at: t, pgid, sig }), true),
  });
  return { lifecycle, sent, lines, updates, advance: (ms: number) => (t += ms), now: () => t };
}

describe('createPackerLifecycle: cancelling a run', () => {
  it('sends SIGTERM again while a cancelled run lives (a first SIGTERM can be lost while Packer starts), then SIGKILL', async () => {
    const c = lifecycleOnClock();
    const b = bakeRecord({ id: 'c1', phase: 'running', pid: 4242, cancelRequested: true });
    const start = c.now();
    await c.lifecycle.supervise(b);
    expect(c.sent).toEqual([{ at: start, pgid: 4242, sig: 'SIGTERM' }]);

    c.advance(RESIGNAL_MS - 1);
    await c.lifecycle.supervise(b);
    expect(c.sent).toHaveLength(1);
    c.advance(1);
    await c.lifecycle.supervise(b);
    expect(c.sent.map((s) => s.sig)).toEqual(['SIGTERM', 'SIGTERM']);

    // Past the kill grace, counted from the first SIGTERM: SIGKILL, logged once, repeated at the same pace.
    while (c.now() - start <= KILL_AFTER_MS) {
      c.advance(RESIGNAL_MS);
      await c.lifecycle.supervise(b);
    }
    expect(c.sent.at(-1)!.sig).toBe('SIGKILL');
    expect(c.sent.filter((s) => s.sig === 'SIGTERM').length).toBe(Math.ceil(KILL_AFTER_MS / RESIGNAL_MS) + 1);
    await c.lifecycle.supervise(b);
    c.advance(RESIGNAL_MS);
    await c.lifecycle.supervise(b);
    expect(c.sent.filter((s) => s.sig === 'SIGKILL').length).toBe(2);
    expect(c.lines.filter((l) => l.includes('SIGKILL'))).toHaveLength(1);
  });

  it('counts from the cancel request when the cancel signalled first, and starts over for a bake it forgot', async () => {
    const c = lifecycleOnClock();
    const b = bakeRecord({ id: 'c2', phase: 'running', pid: 77, cancelRequested: true });
    c.lifecycle.cancel(b);
    await c.lifecycle.supervise(b);
    expect(c.sent).toHaveLength(1);
    c.advance(RESIGNAL_MS);
    await c.lifecycle.supervise(b);
    expect(c.sent).toHaveLength(2);
    c.lifecycle.forget('c2');
    await c.lifecycle.supervise(b);
    expect(c.sent).toHaveLength(3);
  });

  it('a run past bake.packer.timeoutMinutes is marked cancelled with the reason and signalled', async () => {
    const c = lifecycleOnClock();
    const b = bakeRecord({ id: 't1', phase: 'running', pid: 99, startedMs: c.now(), cancelRequested: false });
    await c.lifecycle.supervise(b);
    expect(c.sent).toHaveLength(0);
    c.advance(60_001);
    await c.lifecycle.supervise(b);
    expect(c.updates).toEqual([expect.objectContaining({ id: 't1', cancelRequested: true, message: expect.stringContaining('bake.packer.timeoutMinutes (1)') })]);
    expect(c.sent).toEqual([expect.objectContaining({ pgid: 99, sig: 'SIGTERM' })]);
  });

  it('never signals a run without a pid', async () => {
    const c = lifecycleOnClock();
    const b = bakeRecord({ id: 'n1', phase: 'running', pid: undefined, cancelRequested: true });
    c.lifecycle.cancel(b);
    await c.lifecycle.supervise(b);
    expect(c.sent).toHaveLength(0);
  });
});
