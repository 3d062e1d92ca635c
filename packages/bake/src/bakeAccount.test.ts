import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigSchema, createAwsClientFactory } from '@outrigger/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsQueryEndpoint, type QueryCall } from './__fixtures__/awsQueryEndpoint.js';
import { get, orcaBody, orcaHeaders, post, startBakery, waitForEnd } from './__fixtures__/harness.js';

/** What each call saw of this test's Packer processes (by their credentials URI) while it ran: argv and environment. */
const packerSeen = new Map<QueryCall, { cmdline: string; environ: string }[]>();
let aws: Awaited<ReturnType<typeof startAwsQueryEndpoint>>;
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
  aws = await startAwsQueryEndpoint({ onCall: (c) => void (c.action !== 'AssumeRole' && packerSeen.set(c, packerProcesses())) });
  endpoint = aws.url;
});
afterAll(() => aws.close());

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
    const from = aws.calls.length;
    const r = await post(b.baseUrl, '/api/v1/us-east-1/bake', orcaBody({ cloud_provider_type: 'aws', base_ami: 'ami-0123456789abcdef0', ...over }), { ...orcaHeaders, 'X-SPINNAKER-ACCOUNTS': 'prod,dev' });
    expect(r.status).toBe(200);
    const end = await waitForEnd(b.baseUrl, 'us-east-1', r.body.id);
    return { id: r.body.id as string, end: end.body, calls: aws.calls.slice(from) };
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
    const procs = ec2.flatMap((c) => packerSeen.get(c) ?? []).filter((p) => p.environ.includes(`/bakes/${id}/credentials`));
    expect(procs.length).toBeGreaterThan(0);
    const prodSecrets = aws.issued.filter((i) => i.keyId.startsWith('ASIAPROD')).flatMap((i) => [i.keyId, i.secret, i.token]);
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
