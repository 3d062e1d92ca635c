import { openSqlite } from '@outrigger/runtime';
import { describe, expect, it } from 'vitest';
import { InMemoryRenderStore, SqliteRenderStore, type RenderStore } from './RenderStore.js';

const cases: [string, () => RenderStore][] = [
  ['InMemoryRenderStore', () => new InMemoryRenderStore(2)],
  ['SqliteRenderStore', () => new SqliteRenderStore(openSqlite(':memory:'), 1000)],
];

describe.each(cases)('%s', (_name, make) => {
  it('keeps and returns renders by id', () => {
    const s = make();
    s.put({ id: 'a', taskDefinition: { family: 'x' }, createdAt: 1 });
    expect(s.get('a')).toEqual({ id: 'a', taskDefinition: { family: 'x' }, createdAt: 1 });
    expect(s.get('nope')).toBeUndefined();
  });
  it('forgets old renders (by count in memory, by age in SQLite)', () => {
    const s = make();
    s.put({ id: 'a', taskDefinition: {}, createdAt: 1 });
    s.put({ id: 'b', taskDefinition: {}, createdAt: 2 });
    s.put({ id: 'c', taskDefinition: {}, createdAt: 5000 });
    expect(s.get('a')).toBeUndefined();
    expect(s.get('c')).toBeDefined();
  });
});
