import { openSqlite } from '@outrigger/runtime';
import { describe, expect, it } from 'vitest';
import type { BakeRecord } from './BakeRecord.js';
import { SqliteBakeStore } from './SqliteBakeStore.js';

const record = (over: Partial<BakeRecord>): BakeRecord => ({
  id: 'x',
  bakeKey: 'k1',
  region: 'r',
  provider: 'local',
  state: 'RUNNING',
  phase: 'queued',
  recipe: { template: 't', varFiles: [], variables: { a: '1' }, imageName: 'img', baseImage: 'b', artifactMetadata: {}, masked: [] },
  runDir: '/tmp/x',
  cancelRequested: false,
  outOffset: 0,
  images: [],
  files: [],
  forgotten: false,
  createdMs: 1,
  updatedMs: 1,
  ...over,
});

describe('SqliteBakeStore', () => {
  it('finds reusable bakes by key (not failed, not forgotten) and keeps the queue order', () => {
    const store = new SqliteBakeStore(openSqlite(':memory:'));
    store.insert(record({ id: 'failed', state: 'CANCELED', result: 'FAILURE', phase: 'done', createdMs: 1 }));
    expect(store.findReusable('k1')).toBeUndefined();
    store.insert(record({ id: 'q1', createdMs: 2 }));
    store.insert(record({ id: 'q2', bakeKey: 'k2', createdMs: 3 }));
    expect(store.findReusable('k1')?.id).toBe('q1');
    expect(store.queuePosition('q2')).toBe(2);
    store.update({ ...store.get('q1')!, phase: 'running', pid: 42 });
    expect(store.queuePosition('q2')).toBe(1);
    expect(store.queuePosition('q1')).toBeUndefined();
    store.update({ ...store.get('q1')!, forgotten: true });
    expect(store.findReusable('k1')).toBeUndefined();
    expect(store.get('q1')).toMatchObject({ pid: 42, phase: 'running', recipe: { variables: { a: '1' } } });
  });

  it('appends log lines with the output offset atomically and pages them', () => {
    const store = new SqliteBakeStore(openSqlite(':memory:'));
    store.insert(record({ id: 'b' }));
    store.appendLog('b', [{ timestampMs: 1, text: 'one' }, { timestampMs: 2, text: 'two' }], 100);
    store.appendLog('b', [{ timestampMs: 3, text: 'three' }], 150);
    expect(store.get('b')!.outOffset).toBe(150);
    expect(store.readLog('b', 1, 1)).toEqual([{ seq: 1, timestampMs: 2, text: 'two' }]);
    store.indexImages('b', [{ region: 'r', imageId: 'ami-1' }]);
    expect(store.bakeForImage('r', 'ami-1')).toBe('b');
    store.delete('b');
    expect(store.get('b')).toBeUndefined();
    expect(store.readLog('b')).toEqual([]);
    expect(store.bakeForImage('r', 'ami-1')).toBeUndefined();
  });
});
