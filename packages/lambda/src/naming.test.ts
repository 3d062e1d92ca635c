import { describe, expect, it } from 'vitest';
import { functionNameFor, monikerOf, monikerTags, parseName } from './naming.js';

describe('functionNameFor (clouddriver combineAppDetail)', () => {
  const cases: [string, { app: string | null; name: string; prefix: boolean }, string][] = [
    ['prefixes a bare name', { app: 'shop', name: 'orders', prefix: true }, 'shop-orders'],
    ['keeps an already prefixed name', { app: 'shop', name: 'shop-orders', prefix: true }, 'shop-orders'],
    ['keeps the app name itself', { app: 'shop', name: 'shop', prefix: true }, 'shop'],
    ['does not treat a longer app as a prefix', { app: 'shop', name: 'shopping-list', prefix: true }, 'shop-shopping-list'],
    ['leaves names alone when turned off', { app: 'shop', name: 'orders', prefix: false }, 'orders'],
    ['leaves names alone without an app', { app: null, name: 'orders', prefix: true }, 'orders'],
  ];
  for (const [name, given, want] of cases) it(name, () => expect(functionNameFor(given.app, given.name, given.prefix)).toBe(want));
});

describe('monikers', () => {
  it('parses app-stack-detail as frigga does', () => {
    expect(parseName('shop-prod-eu-west')).toEqual({ app: 'shop', stack: 'prod', detail: 'eu-west', cluster: 'shop-prod-eu-west' });
  });
  it('lets moniker tags win over the name', () => {
    expect(monikerOf('legacy-thing', { 'moniker.spinnaker.io/application': 'shop', 'moniker.spinnaker.io/stack': 'prod' })).toMatchObject({ app: 'shop', stack: 'prod' });
  });
  it('writes tags that read back to the same moniker', () => {
    const tags = monikerTags('shop', 'shop-prod-blue');
    expect(monikerOf('shop-prod-blue', tags)).toEqual({ app: 'shop', stack: 'prod', detail: 'blue', cluster: 'shop-prod-blue' });
  });
});
