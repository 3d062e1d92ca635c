import { Runtime } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { listRuntimes, RUNTIME_DEPRECATION } from './listRuntimes.js';

describe('GET /functions/runtimes deprecation table', () => {
  it('mentions every value of the SDK Runtime enum, so a new runtime cannot slip through unlooked-at', () => {
    const unmentioned = Object.values(Runtime).filter((r) => !(r in RUNTIME_DEPRECATION));
    expect(unmentioned, `add these runtimes to RUNTIME_DEPRECATION (listRuntimes.ts) with AWS's deprecation date or null`).toEqual([]);
  });

  it('gives the newest runtimes their announced dates (AWS table, 2026-12-07)', () => {
    const at = new Date('2026-12-07T00:00:00Z');
    const byName = new Map(listRuntimes(at).map((r) => [r.runtime, r]));
    expect(byName.get('nodejs24.x')).toMatchObject({ deprecated: false, deprecationDate: '2028-04-30' });
    expect(byName.get('python3.14')).toMatchObject({ deprecated: false, deprecationDate: '2029-06-30' });
    expect(byName.get('dotnet10')).toMatchObject({ deprecated: false, deprecationDate: '2028-11-14' });
  });

  it('marks dotnet8 deprecated from 2026-11-10 (AWS Lambda runtime deprecation policy)', () => {
    const before = listRuntimes(new Date('2026-11-09T12:00:00Z')).find((r) => r.runtime === 'dotnet8');
    const after = listRuntimes(new Date('2026-11-10T00:00:00Z')).find((r) => r.runtime === 'dotnet8');
    expect(before).toMatchObject({ deprecated: false, deprecationDate: '2026-11-10' });
    expect(after).toMatchObject({ deprecated: true, deprecationDate: '2026-11-10' });
    expect(listRuntimes(new Date('2026-12-07T00:00:00Z')).find((r) => r.runtime === 'dotnet10')).toMatchObject({ deprecated: false });
    expect(listRuntimes(new Date('2026-12-07T00:00:00Z')).find((r) => r.runtime === 'nodejs12.x')).toMatchObject({ deprecated: true });
  });
});
