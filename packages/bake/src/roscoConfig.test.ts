import { describe, expect, it } from 'vitest';
import { get, startBakery } from './__fixtures__/harness.js';

const ubuntu = { baseImages: [{ baseImage: { id: 'ubuntu', shortDescription: 'v22.04', packageType: 'deb' }, virtualizationSettings: [] }] };

describe("Rosco's aws.bakeryDefaults", () => {
  it('is read where rosco.yml has it: top level, beside clouddriver aws.accounts', async () => {
    const b = await startBakery({}, { config: { aws: { accounts: [{ name: 'prod' }], bakeryDefaults: ubuntu } } });
    try {
      expect((await get(b.baseUrl, '/bakeOptions/aws')).body).toEqual({ cloudProvider: 'aws', baseImages: [{ id: 'ubuntu', shortDescription: 'v22.04', packageType: 'DEB' }] });
    } finally {
      await b.close();
    }
  });

  it('is still read under bake.aws.bakeryDefaults', async () => {
    const b = await startBakery({ aws: { bakeryDefaults: ubuntu } });
    try {
      expect((await get(b.baseUrl, '/bakeOptions/aws')).body.baseImages.map((i: { id: string }) => i.id)).toEqual(['ubuntu']);
    } finally {
      await b.close();
    }
  });

  it('in both places at once is a configuration error naming both', async () => {
    await expect(startBakery({ aws: { bakeryDefaults: ubuntu } }, { config: { aws: { bakeryDefaults: ubuntu } } })).rejects.toThrow(
      /aws\.bakeryDefaults and bake\.aws\.bakeryDefaults are both set/,
    );
  });

  it('names the key path of a bad value in the top-level form', async () => {
    await expect(startBakery({}, { config: { aws: { bakeryDefaults: { baseImages: [{ baseImage: { id: '' } }] } } } })).rejects.toThrow(/aws\.bakeryDefaults\.baseImages\[0\]\.baseImage\.id/);
  });
});
