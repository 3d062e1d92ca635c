import { readdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ConfigSchema, createAwsClientFactory } from '@outrigger/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, orcaBody, orcaHeaders, post, startBakery, waitForEnd } from './__fixtures__/harness.js';

/**
 * One AWS-compatible endpoint on loopback (an account's `endpoint` override) speaking STS's and EC2's query protocols:
 * AssumeRole hands out short-lived credentials numbered per account (so a refresh shows as a new key), EC2 answers
 * Packer's region check and finds no image, which ends the bake. Every call is recorded with the key that signed it.
 */
interface Seen {
  action: string;
  body: URLSearchParams;
  keyId: string;
  /** Packer processes of the bake (by their credentials URI) while it called: their argv and environment. */
  packerProcesses: { cmdline: string; environ: string }[];
}
const seen: Seen[] = [];
const issued: { keyId: string; secret: string; token: string }[] = [];
let server: http.Server;
let endpoint = '';

/** Processes whose environment points at a bake's credentials (only this test's bakes have these ids). */
function packerProcesses(): { cmdline: string; environ: string }[] {
  const out: { cmdline: string; environ: string }[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
      if (environ.includes('AWS_CONTAINER_CREDENTIALS_FULL_URI=') && environ.includes('/bakes/')) out.push({ environ, cmdline: readFileSync(`/proc/${pid}/cmdline`, 'latin1') });
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = new URLSearchParams(raw);
      const action = body.get('Action') ?? '';
      const keyId = /Credential=([A-Z0-9]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
      res.setHeader('content-type', 'text/xml');
      if (action === 'AssumeRole') {
        seen.push({ action, body, keyId, packerProcesses: [] });
        const account = /iam::(\d{12}):/.exec(body.get('RoleArn') ?? '')?.[1] === '111111111111' ? 'PROD' : 'DEV';
        const n = issued.filter((i) => i.keyId.startsWith(`ASIA${account}`)).length + 1;
        const c = { keyId: `ASIA${account}${String(n).padStart(16 - account.length, '0')}`, secret: `sek/${account}/${n}/Zx9Kq2LmN4pR7sT1vW3yB5dF8h`, token: `tok-${account}-${n}` };
        issued.push(c);
        // Two minutes: inside the SDKs' five-minute refresh window, so every use asks again (a long bake, compressed).
        const exp = new Date(Date.now() + 120_000).toISOString();
        res.end(
          `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>${c.keyId}</AccessKeyId><SecretAccessKey>${c.secret}</SecretAccessKey><SessionToken>${c.token}</SessionToken><Expiration>${exp}</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::1:assumed-role/bakery/outrigger</Arn><AssumedRoleId>AROA:outrigger</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>`,
        );
        return;
      }
      seen.push({ action, body, keyId, packerProcesses: packerProcesses() });
      const ec2 = (xml: string) => res.end(`<${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId>${xml}</${action}Response>`);
      if (action === 'DescribeRegions') return ec2('<regionInfo><item><regionName>us-east-1</regionName><regionEndpoint>ec2.us-east-1.amazonaws.com</regionEndpoint></item></regionInfo>');
      // No image matches: neither the target name (free) nor the source (the bake stops there, at its third call).
      if (action === 'DescribeImages') return ec2('<imagesSet/>');
      res.statusCode = 400;
      res.end('<Response><Errors><Error><Code>AuthFailure</Code><Message>the test endpoint stops here</Message></Error></Errors><RequestID>1</RequestID></Response>');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

function everythingWritten(dir: string): string {
  return readdirSync(dir)
    .map((n) => path.join(dir, n))
    .map((p) => (statSync(p).isDirectory() ? everythingWritten(p) : readFileSync(p).toString('latin1')))
    .join('\n');
}

describe('an aws bake runs as its account', () => {
  let b: Awaited<ReturnType<typeof startBakery>>;
  beforeAll(async () => {
    const config = {
      aws: {
        accounts: [
          { name: 'prod', accountId: '111111111111', assumeRole: 'role/bakery', externalId: 'ext-prod', endpoint, permissions: { WRITE: ['ops'] } },
          { name: 'dev', accountId: '222222222222', assumeRole: 'role/bakery', externalId: 'ext-dev', endpoint },
        ],
      },
    };
    const aws = createAwsClientFactory({ config: ConfigSchema.parse(config), credentials: async () => ({ accessKeyId: 'AKIABASEBASEBASEBASE', secretAccessKey: 'base-secret' }) });
    b = await startBakery({ aws: { bakeAccount: 'dev' } }, { aws, config });
  });
  afterAll(async () => {
    await b.close();
  });

  async function bakeAndWait(over: Record<string, unknown>) {
    const from = seen.length;
    const r = await post(b.baseUrl, '/api/v1/us-east-1/bake', orcaBody({ cloud_provider_type: 'aws', base_ami: 'ami-0123456789abcdef0', ...over }), { ...orcaHeaders, 'X-SPINNAKER-ACCOUNTS': 'prod,dev' });
    expect(r.status).toBe(200);
    const end = await waitForEnd(b.baseUrl, 'us-east-1', r.body.id);
    return { id: r.body.id as string, end: end.body, calls: seen.slice(from) };
  }

  it('Packer uses the named account: its assumed role (external id), its endpoint, refreshed credentials; none in argv, files or logs', async () => {
    const { id, end, calls } = await bakeAndWait({ package: 'nginx', account_name: 'prod' });
    // Packer ran against the account's endpoint (custom_endpoint_ec2) and failed where the endpoint stops it.
    expect(end).toMatchObject({ state: 'CANCELED', result: 'FAILURE' });
    expect(end.message).toContain('ami-0123456789abcdef0');
    const ec2 = calls.filter((c) => c.action !== 'AssumeRole');
    expect(ec2.map((c) => c.action)).toEqual(['DescribeRegions', 'DescribeImages', 'DescribeImages']);
    // Every EC2 call Packer made was signed with the prod role's credentials, never the base or the dev ones...
    for (const c of ec2) expect(c.keyId).toMatch(/^ASIAPROD/);
    // ...assumed with prod's external id by outrigger's base credentials...
    const assumes = calls.filter((c) => c.action === 'AssumeRole');
    expect(assumes.length).toBeGreaterThan(0);
    for (const a of assumes) {
      expect(a.body.get('RoleArn')).toBe('arn:aws:iam::111111111111:role/bakery');
      expect(a.body.get('ExternalId')).toBe('ext-prod');
      expect(a.keyId).toBe('AKIABASEBASEBASEBASE');
    }
    // ...and refreshed while the bake ran: near expiry, Packer asked again and got a new session.
    expect(new Set(ec2.map((c) => c.keyId)).size).toBeGreaterThan(1);

    // The credentials reached Packer only through the credentials endpoint: its environment names the endpoint and
    // a token; no key, secret or session token in any Packer process's argv or environment.
    const procs = ec2.flatMap((c) => c.packerProcesses).filter((p) => p.environ.includes(`/bakes/${id}/credentials`));
    expect(procs.length).toBeGreaterThan(0);
    const prodSecrets = issued.filter((i) => i.keyId.startsWith('ASIAPROD')).flatMap((i) => [i.keyId, i.secret, i.token]);
    for (const p of procs) {
      expect(p.environ).not.toMatch(/(^|\0)AWS_ACCESS_KEY_ID=/);
      for (const s of [...prodSecrets, 'base-secret']) {
        expect(p.environ.includes(s)).toBe(false);
        expect(p.cmdline.includes(s)).toBe(false);
      }
    }
    const logs = (await get(b.baseUrl, `/api/v1/us-east-1/logs/${id}`)).body.logsContent as string;
    expect(logs).toContain('packer started');
    const stored = everythingWritten(b.dataDir);
    for (const s of [...prodSecrets, 'base-secret']) {
      expect(logs.includes(s)).toBe(false);
      expect(stored.includes(s)).toBe(false);
    }
  });

  it('without account_name, Packer runs as bake.aws.bakeAccount', async () => {
    const { end, calls } = await bakeAndWait({ package: 'redis' });
    expect(end.state).toBe('CANCELED');
    const ec2 = calls.filter((c) => c.action !== 'AssumeRole');
    expect(ec2.length).toBeGreaterThan(0);
    for (const c of ec2) expect(c.keyId).toMatch(/^ASIADEV/);
    for (const a of calls.filter((c) => c.action === 'AssumeRole')) expect(a.body.get('ExternalId')).toBe('ext-dev');
  });

  it('dedupes per account: the same recipe in another account is another bake', async () => {
    const a = await post(b.baseUrl, '/api/v1/us-east-1/bake', orcaBody({ cloud_provider_type: 'aws', base_ami: 'ami-0123456789abcdef0', package: 'zsh', account_name: 'prod', extended_attributes: { bake_seconds: '1' } }));
    const c = await post(b.baseUrl, '/api/v1/us-east-1/bake', orcaBody({ cloud_provider_type: 'aws', base_ami: 'ami-0123456789abcdef0', package: 'zsh', account_name: 'dev', extended_attributes: { bake_seconds: '1' } }));
    expect(a.body.id).not.toBe(c.body.id);
    await waitForEnd(b.baseUrl, 'us-east-1', a.body.id);
    await waitForEnd(b.baseUrl, 'us-east-1', c.body.id);
  });
});
