import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerRequest } from '../__fixtures__/taskDefinitions.js';
import { startEcsApp } from '../__fixtures__/startEcsApp.js';

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64');
const embedded = (v: unknown) => ({ type: 'embedded/base64', name: 'td.json', reference: b64(v) });
const ECR = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

/** A loopback stand-in for a web server and the GitHub contents API. */
let files: Server;
let filesUrl = '';
const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
beforeAll(async () => {
  files = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    if (req.url === '/td.yaml') return void res.end('family: web\ncontainerDefinitions:\n  - name: web\n    image: PLACEHOLDER\n');
    if (req.url?.startsWith('/repos/acme/infra/contents/ecs/td.json')) {
      if (req.headers.authorization !== 'Bearer gh-secret') return void res.writeHead(401).end('{}');
      return void res.end(JSON.stringify(registerRequest));
    }
    if (req.url === '/big') return void res.end('x'.repeat(5000));
    if (req.url === '/hang') return; // never answers
    res.writeHead(404).end('not found');
  });
  await new Promise<void>((r) => files.listen(0, '127.0.0.1', () => r()));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
});
afterAll(async () => {
  files.closeAllConnections();
  await new Promise((r) => files.close(r));
});

describe('POST /ecs/taskDefinitions/render', () => {
  let app: Awaited<ReturnType<typeof startEcsApp>>;
  beforeAll(async () => {
    // The loopback stand-in is an internal host: listed in artifacts.allowedHosts, as an operator lists theirs.
    app = await startEcsApp({
      ecs: { artifacts: { maxBytes: 4096, timeoutMs: 300, github: { apiBaseUrl: 'https://github.example.invalid/api/v3', token: 'gh-secret' } } },
      artifacts: { allowedHosts: ['127.0.0.1'] },
    });
  });
  afterAll(() => app.close());

  it('renders an embedded artifact, keeps it under a URL clouddriver can fetch, and returns both artifacts at top level', async () => {
    const res = await app.post('/ecs/taskDefinitions/render', { artifact: embedded(registerRequest), containerToImageMap: { web: `${ECR}/web:1.0.0` } });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    expect(res.body.taskDefinition.containerDefinitions[0].image).toBe(`${ECR}/web:1.0.0`);
    expect(res.body.findings.filter((f: { code: string }) => f.code === 'NOT_INJECTED')).toEqual([]);
    const [http, emb] = res.body.artifacts;
    expect(http).toMatchObject({ type: 'http/file', reference: `${app.baseUrl()}/ecs/renders/${res.body.id}/taskDefinition.json` });
    expect(JSON.parse(Buffer.from(emb.reference, 'base64').toString())).toEqual(res.body.taskDefinition);
    const fetched = await app.get(new URL(http.reference).pathname);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(res.body.taskDefinition);
  });

  it('fetches http/file YAML over loopback', async () => {
    const res = await app.post('/ecs/taskDefinitions/render', { artifact: { type: 'http/file', reference: `${filesUrl}/td.yaml` }, containerToImageMap: { web: 'nginx:1' } });
    expect(res.status).toBe(200);
    expect(res.body.taskDefinition).toMatchObject({ family: 'web', containerDefinitions: [{ name: 'web', image: 'nginx:1' }] });
  });

  it('fetches github/file from the configured API base with the token, and never sends the token elsewhere', async () => {
    const gh = await startEcsApp({ ecs: { artifacts: { github: { apiBaseUrl: filesUrl, token: 'gh-secret' } } }, artifacts: { allowedHosts: ['127.0.0.1'] } });
    try {
      const ok = await gh.post('/ecs/taskDefinitions/render', {
        artifact: { type: 'github/file', reference: `${filesUrl}/repos/acme/infra/contents/ecs/td.json`, version: 'main' },
        containerToImageMap: { web: 'nginx:1' },
      });
      expect(ok.status).toBe(200);
      const hit = seen.find((s) => s.url.startsWith('/repos/acme/infra/contents/ecs/td.json'));
      expect(hit?.url).toBe('/repos/acme/infra/contents/ecs/td.json?ref=main');
      expect(hit?.headers.accept).toBe('application/vnd.github.raw+json');
      const short = await gh.post('/ecs/taskDefinitions/render', { artifact: { type: 'github/file', reference: 'acme/infra/contents/ecs/td.json' }, containerToImageMap: { web: 'nginx:1' } });
      expect(short.status).toBe(200);
    } finally {
      await gh.close();
    }
    // The main app's API base is elsewhere: the same URL gets no token, so the stand-in answers 401 → could not be fetched.
    const res = await app.post('/ecs/taskDefinitions/render', { artifact: { type: 'github/file', reference: `${filesUrl}/repos/acme/infra/contents/ecs/td.json` } });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/could not be fetched/);
    expect(seen.at(-1)?.headers.authorization).toBeUndefined();
  });

  it('reads s3/object through the account, with the fake S3', async () => {
    app.fake.objects.set('bucket/ecs/td.json', JSON.stringify(registerRequest));
    const res = await app.post('/ecs/taskDefinitions/render', {
      credentials: 'prod',
      artifact: { type: 's3/object', reference: 's3://bucket/ecs/td.json' },
      containerToImageMap: { web: 'nginx:1' },
    });
    expect(res.status).toBe(200);
    expect(app.fake.calls.filter((c) => c.command === 'GetObject').at(-1)?.input).toEqual({ Bucket: 'bucket', Key: 'ecs/td.json' });
    const missing = await app.post('/ecs/taskDefinitions/render', { credentials: 'prod', artifact: { type: 's3/object', reference: 's3://bucket/nope.json' } });
    expect(missing.status).toBe(404);
  });

  const errors: [string, unknown, number, string | RegExp, { field: string; message: string | RegExp }[]][] = [
    [
      'placeholder image left',
      { artifact: embedded(registerRequest) },
      400,
      "The task definition did not resolve: Container 'web' still has the placeholder image 'PLACEHOLDER'; map a pipeline image to it or list it in keepImage.",
      [{ field: '$.taskDefinition.containerDefinitions[0].image', message: /^IMAGE_PLACEHOLDER: / }],
    ],
    [
      'mapping to a missing container',
      { artifact: embedded(registerRequest), containerToImageMap: { web: 'nginx:1', api: 'nginx:1' } },
      400,
      /Invalid number of matching containers found for mapping 'api'\. Have 0 but expected 1\./,
      [{ field: '$.body.containerToImageMap.api', message: /^IMAGE_MAPPING_MATCH/ }],
    ],
    ['malformed artifact', { artifact: embedded('{"family":') }, 400, /not valid JSON/, [{ field: '$.artifact', message: /^ARTIFACT_PARSE/ }]],
    ['no artifact at all', {}, 400, /No task definition/, [{ field: '$.body.resolvedTaskDefinitionArtifact', message: /required/ }]],
    ['artifact too large', { artifact: { type: 'http/file', reference: `PLACEHOLDER/big` } }, 400, /larger than 4096 bytes/, [{ field: '$.body.artifact', message: 'too large' }]],
    ['http 404', { artifact: { type: 'http/file', reference: `PLACEHOLDER/missing` } }, 400, /could not be fetched/, [{ field: '$.body.artifact', message: 'could not be fetched' }]],
    ['unsupported artifact type', { artifact: { type: 'gcs/object', reference: 'gs://b/k' } }, 501, /not fetched here/, [{ field: '$.body.artifact.type', message: 'unsupported artifact type' }]],
    ['unknown account', { credentials: 'nope', artifact: embedded(registerRequest) }, 400, 'Validation Failed', [{ field: '$.body.credentials', message: /./ }]],
    ['wrong type in the body', { artifact: embedded(registerRequest), keepImage: 'web' }, 400, 'Validation Failed', [{ field: '$.body.keepImage', message: /./ }]],
  ];
  it.each(errors)('error: %s', async (_n, body, status, message, errs) => {
    const fixed = JSON.parse(JSON.stringify(body).replaceAll('PLACEHOLDER/', `${filesUrl}/`));
    const res = await app.post('/ecs/taskDefinitions/render', fixed);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ status, path: '/ecs/taskDefinitions/render' });
    for (const k of ['timestamp', 'status', 'error', 'message', 'path', 'errors']) expect(res.body).toHaveProperty(k);
    if (typeof message === 'string') expect(res.body.message).toBe(message);
    else expect(res.body.message).toMatch(message);
    for (const e of errs) expect(res.body.errors).toContainEqual({ field: e.field, message: typeof e.message === 'string' ? e.message : expect.stringMatching(e.message) });
  });

  it('times out a hanging http/file server, answering like any other fetch failure', async () => {
    const res = await app.post('/ecs/taskDefinitions/render', { artifact: { type: 'http/file', reference: `${filesUrl}/hang` } });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/could not be fetched/);
  });

  it('refuses loopback by default, and its answers do not reveal which ports are open', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((r) => closed.close(r));
    const strict = await startEcsApp();
    try {
      const before = seen.length;
      const open = await strict.post('/ecs/taskDefinitions/render', { artifact: { type: 'http/file', reference: `${filesUrl}/td.yaml` } });
      const shut = await strict.post('/ecs/taskDefinitions/render', { artifact: { type: 'http/file', reference: `${closedUrl}/td.yaml` } });
      const metadata = await strict.post('/ecs/taskDefinitions/render', { artifact: { type: 'http/file', reference: 'http://169.254.169.254/latest/meta-data/' } });
      expect(seen.length).toBe(before);
      for (const r of [open, shut, metadata]) {
        expect(r.status).toBe(400);
        expect(r.body.errors).toEqual([{ field: '$.body.artifact', message: 'could not be fetched' }]);
      }
      const strip = (m: string) => m.replace(/at \S+ could/, 'at URL could');
      expect(strip(open.body.message)).toBe(strip(shut.body.message));
      expect(strip(open.body.message)).toBe(strip(metadata.body.message));
    } finally {
      await strict.close();
    }
  });

  it('with failOnError=false answers 200 with ok=false, the findings and no artifacts', async () => {
    const res = await app.post('/ecs/taskDefinitions/render', { artifact: embedded(registerRequest), failOnError: false });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: false, url: '', artifacts: [] });
    expect(res.body.findings[0]).toMatchObject({ severity: 'error', code: 'IMAGE_PLACEHOLDER', container: 'web' });
  });

  it('pins ECR tags to digests on request, keeping the tag in a label; a missing tag is an error naming the container', async () => {
    const digest = `sha256:${'d'.repeat(64)}`;
    app.fake.ecrImages.set('web:1.0.0', digest);
    const res = await app.post('/ecs/taskDefinitions/render', {
      credentials: 'prod',
      pinImageDigests: true,
      artifact: embedded(registerRequest),
      containerToImageMap: { web: `${ECR}/web:1.0.0` },
    });
    expect(res.status).toBe(200);
    expect(res.body.taskDefinition.containerDefinitions[0].image).toBe(`${ECR}/web@${digest}`);
    expect(res.body.taskDefinition.containerDefinitions[0].dockerLabels).toEqual({ 'outrigger.io/image-tag': '1.0.0' });
    expect(res.body.images[0]).toMatchObject({ containerName: 'web', image: `${ECR}/web@${digest}` });
    expect(res.body.findings).toContainEqual(expect.objectContaining({ severity: 'warning', code: 'DIGEST_NOT_PINNED', container: 'datadog' }));
    const missing = await app.post('/ecs/taskDefinitions/render', {
      credentials: 'prod',
      pinImageDigests: true,
      artifact: embedded(registerRequest),
      containerToImageMap: { web: `${ECR}/web:9.9.9` },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toBe(
      "The task definition did not resolve: Container 'web': tag 9.9.9 was not found in ECR repository web (123456789012, us-east-1).",
    );
  });

  it('uses a registered task definition as the base (fromTaskDefinition), reporting the Describe fields it dropped', async () => {
    const s = app.fake.seedService('base-v001', { family: 'base', image: 'nginx:1.26' });
    const res = await app.post('/ecs/taskDefinitions/render', { credentials: 'prod', fromTaskDefinition: 'base:1', containerToImageMap: { web: 'nginx:1.27' } });
    expect(res.status).toBe(200);
    expect(res.body.taskDefinition).toEqual({ family: 'base', containerDefinitions: [{ name: 'web', image: 'nginx:1.27', portMappings: [{ containerPort: 8080 }] }] });
    expect(res.body.report.filter((e: { action: string }) => e.action === 'dropped').map((e: { pointer: string }) => e.pointer)).toEqual([
      '/taskDefinition/taskDefinitionArn',
      '/taskDefinition/revision',
      '/taskDefinition/status',
    ]);
    expect(app.fake.calls.find((c) => c.command === 'DescribeTaskDefinition')?.input).toEqual({ taskDefinition: 'base:1', include: ['TAGS'] });
    void s;
  });

  it('injects Spinnaker values with the next server group name and diffs against the current server group', async () => {
    app.fake.seedService('shop-prod-v003', { desired: 2, family: 'shop-prod', image: `${ECR}/web:0.9.0` });
    app.fake.seedService('shop-prod-v004', { desired: 0, status: 'DRAINING' });
    const res = await app.post('/ecs/taskDefinitions/render', {
      credentials: 'prod',
      application: 'shop',
      stack: 'prod',
      ecsClusterName: 'main',
      launchType: 'FARGATE',
      networkMode: 'awsvpc',
      subnetIds: ['subnet-1'],
      artifact: embedded({ ...registerRequest, executionRoleArn: undefined }),
      containerToImageMap: { web: `${ECR}/web:1.0.0` },
      overrides: { containers: { web: { environment: { LOG_LEVEL: 'warn' } } } },
      iamRole: 'shop-task',
      targetGroupMappings: [{ containerName: 'web', containerPort: 8080, targetGroup: 'shop-prod' }],
    });
    expect(res.status).toBe(200);
    const td = res.body.taskDefinition;
    expect(td.family).toBe('shop-prod');
    expect(td.taskRoleArn).toBe('arn:aws:iam::123456789012:role/shop-task');
    expect(td.executionRoleArn).toBe('arn:aws:iam::123456789012:role/spinnaker');
    expect(td.containerDefinitions[0].environment).toContainEqual({ name: 'SERVER_GROUP', value: 'shop-prod-v005' });
    expect(res.body.diff.against).toEqual({ serverGroupName: 'shop-prod-v003', taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/shop-prod:1' });
    expect(res.body.diff.changes).toContainEqual({ op: 'replace', path: '/containerDefinitions/0/image', from: `${ECR}/web:0.9.0`, value: `${ECR}/web:1.0.0` });
  });
});
