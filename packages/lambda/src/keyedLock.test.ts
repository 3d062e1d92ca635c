import { describe, expect, it } from 'vitest';
import { createKeyedLock } from './keyedLock.js';

describe('createKeyedLock', () => {
  it('runs work of one key in order, other keys alongside, and survives failures', async () => {
    const lock = createKeyedLock();
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const a = lock('f', async () => {
      log.push('a start');
      await gate;
      log.push('a end');
      throw new Error('a failed');
    });
    const b = lock('f', async () => {
      log.push('b');
      return 'b';
    });
    const other = lock('g', async () => {
      log.push('other');
      return 'g';
    });
    await other;
    expect(log).toEqual(['a start', 'other']);
    release();
    await expect(a).rejects.toThrow('a failed');
    expect(await b).toBe('b');
    expect(log).toEqual(['a start', 'other', 'a end', 'b']);
  });
});
