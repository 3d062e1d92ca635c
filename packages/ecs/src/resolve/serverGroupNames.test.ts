import { describe, expect, it } from 'vitest';
import { diffTaskDefinitions } from './diffTaskDefinitions.js';
import { clusterNameOf, nextSequenceCandidates, sequenceOf, serverGroupName } from './serverGroupNames.js';

describe('server group names', () => {
  it.each([
    [{ application: 'app' }, 'app'],
    [{ application: 'app', stack: 'prod' }, 'app-prod'],
    [{ application: 'app', stack: 'prod', freeFormDetails: 'blue' }, 'app-prod-blue'],
    [{ application: 'app', freeFormDetails: 'blue' }, 'app--blue'],
    [{ application: 'old', moniker: { app: 'app', stack: 's' } }, 'app-s'],
    [{ moniker: { app: 'app', cluster: 'custom-cluster' } }, 'custom-cluster'],
    [{}, undefined],
  ])('clusterNameOf(%j) = %s', (d, want) => expect(clusterNameOf(d).cluster).toBe(want));
  it.each([
    ['app-prod', 'app-prod-v012', 12],
    ['app-prod', 'app-prod-v1', undefined],
    ['app', 'app-prod-v012', undefined],
    ['app', 'app-v999', 999],
  ])('sequenceOf(%s, %s) = %s', (c, n, want) => expect(sequenceOf(c, n)).toBe(want));
  it('formats vNNN', () => expect(serverGroupName('app', 7)).toBe('app-v007'));
  it.each([
    [[], [0, 1, 2, 3, 4]],
    [[0, 1, 2], [3, 4, 5, 6, 7]],
    [[998], [999, 0, 1, 2, 3]],
    [[999, 0, 1], [2, 3, 4, 5, 6]],
  ])('nextSequenceCandidates(%j)', (used, want) => expect(nextSequenceCandidates(used)).toEqual(want));
});

describe('diffTaskDefinitions', () => {
  it('diffs containers and env by name, other lists whole', () => {
    const before = {
      family: 'a',
      cpu: '256',
      containerDefinitions: [
        { name: 'web', image: 'x:1', environment: [{ name: 'A', value: '1' }, { name: 'B', value: '1' }] },
        { name: 'old', image: 'o:1' },
      ],
      requiresCompatibilities: ['EC2'],
    };
    const after = {
      family: 'a',
      memory: '512',
      containerDefinitions: [
        { name: 'new', image: 'n:1' },
        { name: 'web', image: 'x:2', environment: [{ name: 'B', value: '2' }, { name: 'A', value: '1' }] },
      ],
      requiresCompatibilities: ['FARGATE'],
    };
    expect(diffTaskDefinitions(before, after)).toEqual([
      { op: 'remove', path: '/cpu', from: '256' },
      { op: 'add', path: '/memory', value: '512' },
      { op: 'remove', path: '/containerDefinitions/1', from: { name: 'old', image: 'o:1' } },
      { op: 'add', path: '/containerDefinitions/0', value: { name: 'new', image: 'n:1' } },
      { op: 'replace', path: '/containerDefinitions/1/image', from: 'x:1', value: 'x:2' },
      { op: 'replace', path: '/containerDefinitions/1/environment/0/value', from: '1', value: '2' },
      { op: 'replace', path: '/requiresCompatibilities', from: ['EC2'], value: ['FARGATE'] },
    ]);
  });
  it('is empty for equal documents', () => expect(diffTaskDefinitions({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]));
});
