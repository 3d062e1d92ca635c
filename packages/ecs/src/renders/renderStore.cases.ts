import { describe, expect, it } from 'vitest';
import type { RenderStore } from './RenderStore.js';

/** The contract every RenderStore keeps; `make(retentionMs)` gives a fresh, empty store. */
export function runRenderStoreCases(name: string, make: (retentionMs: number) => Promise<RenderStore> | RenderStore) {
  describe(`${name} (RenderStore cases)`, () => {
    it('keeps and returns renders by id, as they were put', async () => {
      const s = await make(1000);
      const td = { family: 'x', containerDefinitions: [{ name: 'web', image: 'repo/web:1', portMappings: [{ containerPort: 80 }] }] };
      await s.put({ id: 'a', taskDefinition: td, createdAt: 1 });
      td.family = 'changed after put';
      expect(await s.get('a')).toEqual({
        id: 'a',
        taskDefinition: { family: 'x', containerDefinitions: [{ name: 'web', image: 'repo/web:1', portMappings: [{ containerPort: 80 }] }] },
        createdAt: 1,
      });
      expect(await s.get('nope')).toBeUndefined();
    });

    it('forgets renders older than the retention', async () => {
      const s = await make(1000);
      await s.put({ id: 'a', taskDefinition: {}, createdAt: 1 });
      await s.put({ id: 'b', taskDefinition: {}, createdAt: 2 });
      await s.put({ id: 'c', taskDefinition: {}, createdAt: 5000 });
      expect(await s.get('a')).toBeUndefined();
      expect(await s.get('b')).toBeUndefined();
      expect(await s.get('c')).toBeDefined();
    });
  });
}
