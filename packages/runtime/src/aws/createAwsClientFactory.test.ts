import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../config/configSchema.js';
import { createAwsClientFactory, roleArnFor } from './createAwsClientFactory.js';

// A stand-in AWS-compatible endpoint on loopback that speaks STS's query protocol: AssumeRole and GetCallerIdentity.
const seen: { action: string; body: URLSearchParams; auth: string }[] = [];
let server: http.Server;
let endpoint = '';
beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = new URLSearchParams(raw);
      const action = body.get('Action') ?? '';
      seen.push({ action, body, auth: String(req.headers.authorization ?? '') });
      res.setHeader('content-type', 'text/xml');
      if (action === 'AssumeRole') {
        const exp = new Date(Date.now() + 3600_000).toISOString();
        res.end(`<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIATEMPKEY</AccessKeyId><SecretAccessKey>tempsecret</SecretAccessKey><SessionToken>tok</SessionToken><Expiration>${exp}</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/spinnakerManaged/outrigger</Arn><AssumedRoleId>AROA:outrigger</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>`);
      } else {
        res.end(`<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:sts::123456789012:assumed-role/spinnakerManaged/outrigger</Arn><UserId>AROA:outrigger</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>2</RequestId></ResponseMetadata></GetCallerIdentityResponse>`);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

const base = { accessKeyId: 'AKIABASE', secretAccessKey: 'basesecret' };

describe('createAwsClientFactory', () => {
  it('completes clouddriver-style assumeRole with the account id', () => {
    const [a, b] = ConfigSchema.parse({ aws: { accounts: [{ name: 'a', accountId: '123456789012', assumeRole: 'role/spinnakerManaged' }, { name: 'b', assumeRole: 'arn:aws:iam::210987654321:role/x' }] } }).aws.accounts;
    expect(roleArnFor(a!)).toBe('arn:aws:iam::123456789012:role/spinnakerManaged');
    expect(roleArnFor(b!)).toBe('arn:aws:iam::210987654321:role/x');
  });

  it('memoizes one client per (account, region, client class)', () => {
    const config = ConfigSchema.parse({ aws: { accounts: [{ name: 'a' }, { name: 'b' }] } });
    let made = 0;
    const aws = createAwsClientFactory({ config, makeClient: () => ({ id: ++made }) as never });
    const [a, b] = config.aws.accounts;
    const c1 = aws.client(STSClient, a!, 'us-east-1');
    expect(aws.client(STSClient, a!, 'us-east-1')).toBe(c1);
    expect(aws.client(STSClient, a!, 'eu-west-1')).not.toBe(c1);
    expect(aws.client(STSClient, b!, 'us-east-1')).not.toBe(c1);
    expect(made).toBe(3);
  });

  it('assumes the role with the external id through the account endpoint, then signs calls with the role credentials', async () => {
    const config = ConfigSchema.parse({
      aws: { accounts: [{ name: 'prod', accountId: '123456789012', assumeRole: 'role/spinnakerManaged', externalId: 'ext-42', endpoint }] },
    });
    const aws = createAwsClientFactory({ config, credentials: async () => base });
    const sts = aws.client(STSClient, config.aws.accounts[0]!, 'us-east-1');
    const who = await sts.send(new GetCallerIdentityCommand({}));
    expect(who.Account).toBe('123456789012');
    const assume = seen.find((s) => s.action === 'AssumeRole')!;
    expect(assume.body.get('RoleArn')).toBe('arn:aws:iam::123456789012:role/spinnakerManaged');
    expect(assume.body.get('ExternalId')).toBe('ext-42');
    expect(assume.auth).toContain('Credential=AKIABASE/');
    expect(seen.find((s) => s.action === 'GetCallerIdentity')!.auth).toContain('Credential=ASIATEMPKEY/');
  });
});
