// /health as an operator and a load balancer read it: Fiat, AWS accounts. Real SDK clients against loopback stand-ins.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../config/configSchema.js';
import { createLogger } from '../http/createLogger.js';
import { composeApp } from './composeApp.js';

const logger = createLogger({ level: 'silent' });

async function start(raw: Record<string, unknown>) {
  const composed = await composeApp({ config: ConfigSchema.parse({ storage: { type: 'memory' }, logging: { level: 'silent' }, ...raw }), logger, providers: [] });
  const server = composed.app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await composed.start({ baseUrl: url });
  return {
    composed,
    url,
    health: async () => {
      const res = await fetch(`${url}/health`);
      return { status: res.status, body: (await res.json()) as { status: string; components: Record<string, { status: string; details?: any }> } };
    },
    close: async () => {
      server.close();
      await composed.close();
    },
  };
}

let stub: http.Server;
let stubUrl = '';
let fiatUp = true;
beforeAll(async () => {
  // Fiat's /authorize/{user} and an STS endpoint that denies account "broken".
  stub = http.createServer((req, res) => {
    if (req.url?.startsWith('/authorize/')) {
      if (!fiatUp) return void res.writeHead(500).end();
      const user = decodeURIComponent(req.url.split('/').pop()!);
      const accounts = user === 'writer@example.com' ? [{ name: 'prod', authorizations: ['WRITE'] }] : [];
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: user, admin: false, accounts }));
    }
    res.writeHead(403, { 'content-type': 'text/xml' }).end(
      '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform sts:GetCallerIdentity</Message></Error><RequestId>1</RequestId></ErrorResponse>',
    );
  });
  await new Promise<void>((r) => stub.listen(0, '127.0.0.1', () => r()));
  stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
});
afterAll(() => stub.close());

describe('/health', () => {
  it('is DOWN (503) when every call to Fiat fails, and UP again once Fiat answers', async () => {
    const dead = await start({ auth: { fiat: { enabled: true, baseUrl: 'http://127.0.0.1:9', timeoutMs: 2000 } } });
    try {
      const h = await dead.health();
      expect(h.status).toBe(503);
      expect(h.body.status).toBe('DOWN');
      expect(h.body.components.fiat).toMatchObject({ status: 'DOWN', details: { error: expect.stringMatching(/Fiat does not answer/) } });
    } finally {
      await dead.close();
    }
    fiatUp = false;
    const flaky = await start({ auth: { fiat: { enabled: true, baseUrl: stubUrl } } });
    try {
      expect((await flaky.health()).status).toBe(503);
      fiatUp = true;
      await new Promise((r) => setTimeout(r, 1100)); // /health caches one run of the checks for a second
      const h = await flaky.health();
      expect(h.status).toBe(200);
      expect(h.body.components.fiat?.status).toBe('UP');
    } finally {
      fiatUp = true;
      await flaky.close();
    }
  });

  it("shows each AWS account's last error in its component without going DOWN for one account", async () => {
    const app = await start({
      aws: {
        accounts: [
          { name: 'broken', accountId: '123456789012', endpoint: stubUrl },
          { name: 'fine', accountId: '210987654321', endpoint: stubUrl },
        ],
      },
    });
    try {
      const broken = app.composed.deps.config.aws.accounts[0]!;
      const sts = app.composed.deps.aws.client(STSClient, broken, 'us-east-1');
      process.env.AWS_ACCESS_KEY_ID ??= 'AKIATEST';
      process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
      await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'AccessDenied' });
      const h = await app.health();
      expect(h.status).toBe(200);
      expect(h.body.status).toBe('UP');
      expect(h.body.components.aws?.status).toBe('UP');
      expect(h.body.components.aws?.details.accounts.broken.lastError).toMatchObject({ service: 'STS', message: expect.stringMatching(/^AccessDenied: User is not authorized/) });
      expect(h.body.components.aws?.details.accounts.fine).toEqual({});
    } finally {
      await app.close();
    }
  });
});

describe('task reads', () => {
  it('a user with WRITE (and not READ) on the account reads the task they started, as Orca polls it', async () => {
    const app = await start({
      auth: { fiat: { enabled: true, baseUrl: stubUrl } },
      aws: { accounts: [{ name: 'prod', accountId: '123456789012', permissions: { READ: ['admins'], WRITE: ['deployers'] } }] },
    });
    try {
      const { task } = await app.composed.tasks.submit({ operation: 'createServerGroup', account: 'prod', user: 'writer@example.com' }, async () => ({ ok: true }));
      const as = (user: string) => ({ headers: { 'x-spinnaker-user': user } });
      const mine = await fetch(`${app.url}/task/${task.id}`, as('writer@example.com'));
      expect(mine.status).toBe(200);
      const list = (await (await fetch(`${app.url}/task`, as('writer@example.com'))).json()) as { id: string }[];
      expect(list.map((t) => t.id)).toContain(task.id);
      const stranger = await fetch(`${app.url}/task/${task.id}`, as('stranger@example.com'));
      expect(stranger.status).toBe(404);
    } finally {
      await app.close();
    }
  });
});
