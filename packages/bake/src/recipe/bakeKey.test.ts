import { describe, expect, it } from 'vitest';
import { bakeKey } from './bakeKey.js';

const base = { provider: 'local', region: 'r1', templateContent: '{}', varFileContents: [], variables: { packages: 'nginx', image_name: 'a-1' }, baseImage: 'b' };

describe('bakeKey', () => {
  it.each([
    ['same inputs, other image name', { ...base, variables: { packages: 'nginx', image_name: 'a-2' } }, true],
    ['extended attribute changes the key', { ...base, variables: { ...base.variables, foo: 'bar' } }, false],
    ['template content changes the key', { ...base, templateContent: '{ }' }, false],
    ['var file content changes the key', { ...base, varFileContents: ['{"x":1}'] }, false],
    ['base image changes the key', { ...base, baseImage: 'c' }, false],
    ['region changes the key', { ...base, region: 'r2' }, false],
  ])('%s', (_n, other, same) => {
    expect(bakeKey(other) === bakeKey(base)).toBe(same);
  });
});
