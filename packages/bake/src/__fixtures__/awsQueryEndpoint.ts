import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One call the endpoint answered (or holds): the query action, its form body and the access key that signed it. */
export interface QueryCall {
  action: string;
  body: URLSearchParams;
  keyId: string;
}

/**
 * One AWS-compatible endpoint on loopback (an account's `endpoint` override) speaking STS's and EC2's query protocols,
 * enough for Packer's amazon-ebs builder to start: AssumeRole hands out short-lived credentials numbered per account
 * (111111111111 → `ASIAPROD…`, any other → `ASIADEV…`; two minutes, inside the SDKs' five-minute refresh window, so
 * every use asks again and a refresh shows as a new key). EC2 answers Packer's region check and finds no image, which
 * ends the bake. `hold` keeps a call unanswered until `release()` (e.g. while the test restarts outrigger).
 */
export async function startAwsQueryEndpoint(opts: { onCall?: (call: QueryCall) => void; hold?: (call: QueryCall) => boolean } = {}) {
  const calls: QueryCall[] = [];
  const issued: { keyId: string; secret: string; token: string }[] = [];
  const held: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = new URLSearchParams(raw);
      const call: QueryCall = { action: body.get('Action') ?? '', body, keyId: /Credential=([A-Z0-9]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? '' };
      calls.push(call);
      opts.onCall?.(call);
      const answer = () => {
        res.setHeader('content-type', 'text/xml');
        if (call.action === 'AssumeRole') {
          const account = /iam::(\d{12}):/.exec(body.get('RoleArn') ?? '')?.[1] === '111111111111' ? 'PROD' : 'DEV';
          const n = issued.filter((i) => i.keyId.startsWith(`ASIA${account}`)).length + 1;
          const c = { keyId: `ASIA${account}${String(n).padStart(16 - account.length, '0')}`, secret: `sek/${account}/${n}/Zx9Kq2LmN4pR7sT1vW3yB5dF8h`, token: `tok-${account}-${n}` };
          issued.push(c);
          const exp = new Date(Date.now() + 120_000).toISOString();
          return res.end(
            `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>${c.keyId}</AccessKeyId><SecretAccessKey>${c.secret}</SecretAccessKey><SessionToken>${c.token}</SessionToken><Expiration>${exp}</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::1:assumed-role/bakery/outrigger</Arn><AssumedRoleId>AROA:outrigger</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>`,
          );
        }
        const ec2 = (xml: string) => res.end(`<${call.action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId>${xml}</${call.action}Response>`);
        if (call.action === 'DescribeRegions') return ec2('<regionInfo><item><regionName>us-east-1</regionName><regionEndpoint>ec2.us-east-1.amazonaws.com</regionEndpoint></item></regionInfo>');
        // No image matches: neither the target name (free) nor the source (the bake stops there).
        if (call.action === 'DescribeImages') return ec2('<imagesSet/>');
        res.statusCode = 400;
        res.end('<Response><Errors><Error><Code>AuthFailure</Code><Message>the test endpoint stops here</Message></Error></Errors><RequestID>1</RequestID></Response>');
      };
      if (opts.hold?.(call)) held.push(answer);
      else answer();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    issued,
    /** Answers every held call. */
    release: () => held.splice(0).forEach((answer) => answer()),
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}
