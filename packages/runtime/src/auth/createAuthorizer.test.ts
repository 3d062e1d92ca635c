import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../config/configSchema.js';
import { createAuthorizer } from './createAuthorizer.js';

const accounts = [
  { name: 'open', regions: ['us-east-1'] },
  { name: 'prod', regions: ['us-east-1'], permissions: { READ: ['devs'], WRITE: ['ops'] } },
];
const req = (headers: Record<string, string>) => ({ header: (n: string) => headers[n.toLowerCase()] }) as never;

describe('authorization without Fiat', () => {
  const auth = createAuthorizer({ config: ConfigSchema.parse({ aws: { accounts } }) });

  it('with X-SPINNAKER-ACCOUNTS, exactly those accounts are usable', async () => {
    const p = await auth.principalFor(req({ 'x-spinnaker-user': 'ana', 'x-spinnaker-accounts': 'prod' }));
    expect(p.user).toBe('ana');
    expect(auth.requireAccount(p, 'prod', 'WRITE', '$.body.credentials').name).toBe('prod');
    expect(() => auth.requireAccount(p, 'open', 'WRITE', '$.body.credentials')).toThrow(/Access denied to account open/);
    expect(auth.readableAccounts(p).map((a) => a.name)).toEqual(['prod']);
  });

  it('without the header, only accounts without permissions are usable', async () => {
    const p = await auth.principalFor(req({}));
    expect(p.anonymous).toBe(true);
    expect(auth.readableAccounts(p).map((a) => a.name)).toEqual(['open']);
    expect(() => auth.requireAccount(p, 'prod', 'WRITE', '$.body.credentials')).toThrowError(expect.objectContaining({ name: 'NotAllowedError' }));
  });

  it('an unknown account is a 400 naming the field, listing only visible accounts', async () => {
    const p = await auth.principalFor(req({ 'x-spinnaker-accounts': 'open' }));
    try {
      auth.requireAccount(p, 'nope', 'READ', '$.body.credentials');
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ name: 'InputError', errors: [{ field: '$.body.credentials', message: 'credentials not found (name: nope, names: open)' }] });
    }
  });
});

describe('authorization with Fiat', () => {
  let server: http.Server;
  let calls = 0;
  let down = false;
  let baseUrl = '';
  beforeAll(async () => {
    server = http.createServer((r, res) => {
      calls++;
      if (down) return void res.writeHead(500).end();
      const user = decodeURIComponent(r.url!.split('/').pop()!);
      const body =
        user === 'root'
          ? { name: user, admin: true, accounts: [] }
          : { name: user, admin: false, accounts: [{ name: 'prod', authorizations: ['READ'] }, { name: 'open', authorizations: ['READ', 'WRITE'] }] };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());

  it('asks GET /authorize/{user}, honours READ vs WRITE and caches briefly', async () => {
    let now = 0;
    const auth = createAuthorizer({ config: ConfigSchema.parse({ aws: { accounts }, auth: { fiat: { enabled: true, baseUrl, cacheSeconds: 10 } } }), now: () => now });
    const p = await auth.principalFor(req({ 'x-spinnaker-user': 'ana@example.com', 'x-spinnaker-accounts': 'ignored-with-fiat' }));
    expect(auth.canUse(p, auth.requireAccount(p, 'prod', 'READ', '$.x'), 'READ')).toBe(true);
    expect(() => auth.requireAccount(p, 'prod', 'WRITE', '$.x')).toThrow(/required authorization: WRITE/);
    const before = calls;
    await auth.principalFor(req({ 'x-spinnaker-user': 'ana@example.com' }));
    expect(calls).toBe(before);
    now = 11_000;
    await auth.principalFor(req({ 'x-spinnaker-user': 'ana@example.com' }));
    expect(calls).toBe(before + 1);
    const root = await auth.principalFor(req({ 'x-spinnaker-user': 'root' }));
    expect(auth.readableAccounts(root)).toHaveLength(2);
  });

  it('fails closed with a 503 when Fiat does not answer', async () => {
    down = true;
    const auth = createAuthorizer({ config: ConfigSchema.parse({ aws: { accounts }, auth: { fiat: { enabled: true, baseUrl, cacheSeconds: 0 } } }) });
    await expect(auth.principalFor(req({ 'x-spinnaker-user': 'bob' }))).rejects.toMatchObject({ name: 'ServiceUnavailableError' });
    down = false;
  });
});
