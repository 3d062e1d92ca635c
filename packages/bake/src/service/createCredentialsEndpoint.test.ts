import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@outrigger/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { createCredentialsEndpoint } from './createCredentialsEndpoint.js';

const dir = mkdtempSync(path.join(tmpdir(), 'outrigger-creds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const logger = createLogger({ level: 'silent' });

async function ask(env: Record<string, string>, token = env.AWS_CONTAINER_AUTHORIZATION_TOKEN!) {
  const res = await fetch(env.AWS_CONTAINER_CREDENTIALS_FULL_URI!, { headers: { Authorization: token } });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

describe('createCredentialsEndpoint', () => {
  const expiration = new Date('2030-01-01T00:00:00Z');
  const credentialsFor = async (id: string) => (id === 'bake-1' ? { accessKeyId: 'ASIA1', secretAccessKey: 's', sessionToken: 't', expiration } : undefined);

  it("serves a bake's credentials in the container-credentials shape, only with that bake's token, on loopback", async () => {
    const e = createCredentialsEndpoint({ logger, credentialsFor });
    await e.start();
    try {
      const env = e.envFor('bake-1')!;
      expect(env.AWS_CONTAINER_CREDENTIALS_FULL_URI).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/bakes\/bake-1\/credentials$/);
      expect(await ask(env)).toEqual({ status: 200, body: { AccessKeyId: 'ASIA1', SecretAccessKey: 's', Token: 't', Expiration: '2030-01-01T00:00:00.000Z' } });
      // Another bake's token does not open this bake's credentials; no token, none.
      expect((await ask(env, e.envFor('bake-2')!.AWS_CONTAINER_AUTHORIZATION_TOKEN!)).status).toBe(403);
      expect((await ask(env, '')).status).toBe(403);
      expect((await ask(e.envFor('bake-2')!)).status).toBe(404);
    } finally {
      await e.stop();
    }
  });

  it('after a restart listens on the same port and honours the tokens Packer already holds', async () => {
    const stateFile = path.join(dir, 'bakes', '.credentials-endpoint.json');
    const first = createCredentialsEndpoint({ logger, credentialsFor, stateFile });
    await first.start();
    const env = first.envFor('bake-1')!;
    await first.stop();
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
    const second = createCredentialsEndpoint({ logger, credentialsFor, stateFile });
    await second.start();
    try {
      expect(second.envFor('bake-1')).toEqual(env);
      expect((await ask(env)).status).toBe(200);
    } finally {
      await second.stop();
    }
  });
});
