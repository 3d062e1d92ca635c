import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { InputError, mapAwsError, NotImplementedError, type AccountConfig, type ArtifactFetcher, type AwsClientFactory } from '@outrigger/runtime';
import type { EcsConfig } from '../config/EcsConfigSchema.js';

export interface ArtifactLike {
  type: string;
  name?: string;
  reference?: string;
  version?: string;
  artifactAccount?: string;
}

export interface FetchArtifactDeps {
  config: EcsConfig['artifacts'];
  /** The token for `github/file`, already read from config or file. */
  githubToken?: string;
  aws: AwsClientFactory;
  /** Resolves the AWS account used for `s3/object` (config `ecs.artifacts.s3.account` or the request's). */
  s3Account: () => AccountConfig | undefined;
  s3Region: string;
  /** The runtime's guarded HTTP GET (`artifacts.allowedHosts`, checked again after each redirect). */
  get: ArtifactFetcher;
}

/**
 * Fetches an artifact's text by type: `embedded/base64`, `http/file`, `github/file` (contents API, raw media type,
 * token only for the configured API base URL) and `s3/object` (`s3://bucket/key`), each bounded by `maxBytes` and
 * `timeoutMs`. HTTP goes through the runtime's guarded fetcher: loopback, link-local and private addresses only when
 * `artifacts.allowedHosts` lists them, and one uniform error for any failure. `field` names the artifact in errors (e.g. `$.body.artifact`).
 */
export async function fetchArtifact(artifact: ArtifactLike, deps: FetchArtifactDeps, field: string): Promise<string> {
  const { maxBytes, timeoutMs } = deps.config;
  const ref = artifact.reference;
  if (!ref) throw new InputError(`The ${artifact.type} artifact has no reference.`, { errors: [{ field: `${field}.reference`, message: 'required' }] });
  const tooBig = (n: number) => new InputError(`The ${artifact.type} artifact is larger than ${maxBytes} bytes (${n}).`, { errors: [{ field, message: 'too large' }] });

  switch (artifact.type) {
    case 'embedded/base64': {
      if (!/^[A-Za-z0-9+/=_\-\s]*$/.test(ref)) throw new InputError('The embedded/base64 reference is not base64.', { errors: [{ field: `${field}.reference`, message: 'not base64' }] });
      const buf = Buffer.from(ref, 'base64');
      if (buf.length > maxBytes) throw tooBig(buf.length);
      return buf.toString('utf8');
    }
    case 'http/file': {
      const prefixes = deps.config.http.allowedUrlPrefixes;
      if (prefixes && !prefixes.some((p) => ref.startsWith(p))) {
        throw new InputError(`http/file reference ${ref} is not under an allowed URL prefix.`, { errors: [{ field: `${field}.reference`, message: 'URL not allowed' }] });
      }
      // With an allow-list, redirects are refused so they cannot lead outside it.
      return httpGet(ref, {}, deps, field, prefixes ? 'error' : 'follow');
    }
    case 'github/file': {
      const base = deps.config.github.apiBaseUrl.replace(/\/+$/, '');
      // Spinnaker's reference is the contents API URL; a bare `owner/repo/contents/path` is completed with the base.
      const url = /^https?:\/\//.test(ref) ? new URL(ref) : new URL(`${base}/repos/${ref.replace(/^\/+/, '').replace(/^repos\//, '')}`);
      if (artifact.version) url.searchParams.set('ref', artifact.version);
      const headers: Record<string, string> = { Accept: 'application/vnd.github.raw+json', 'User-Agent': 'outrigger', 'X-GitHub-Api-Version': '2022-11-28' };
      if (deps.githubToken && url.href.startsWith(base + '/')) headers.Authorization = `Bearer ${deps.githubToken}`;
      return httpGet(url.href, headers, deps, field);
    }
    case 's3/object': {
      const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(ref);
      if (!m) throw new InputError(`s3/object reference must be s3://bucket/key, not ${ref}.`, { errors: [{ field: `${field}.reference`, message: 'expected s3://bucket/key' }] });
      const account = deps.s3Account();
      if (!account) throw new InputError('Reading an s3/object artifact needs an AWS account (credentials or ecs.artifacts.s3.account).', { errors: [{ field: '$.body.credentials', message: 'required for s3/object' }] });
      const s3 = deps.aws.client(S3Client, account, deps.s3Region);
      try {
        const out = await s3.send(
          new GetObjectCommand({ Bucket: m[1], Key: m[2], ...(artifact.version ? { VersionId: artifact.version } : {}) }),
          { abortSignal: AbortSignal.timeout(timeoutMs) },
        );
        if (out.ContentLength !== undefined && out.ContentLength > maxBytes) throw tooBig(out.ContentLength);
        const body = out.Body ? await out.Body.transformToString('utf8') : '';
        if (Buffer.byteLength(body) > maxBytes) throw tooBig(Buffer.byteLength(body));
        return body;
      } catch (err) {
        if (err instanceof InputError) throw err;
        throw mapAwsError(err, 's3');
      }
    }
    default:
      throw new NotImplementedError(`Artifact type ${artifact.type} is not fetched here; use embedded/base64, http/file, github/file or s3/object.`, {
        errors: [{ field: `${field}.type`, message: 'unsupported artifact type' }],
      });
  }
}

async function httpGet(url: string, headers: Record<string, string>, deps: FetchArtifactDeps, field: string, redirect: 'follow' | 'error' = 'follow'): Promise<string> {
  const { maxBytes, timeoutMs } = deps.config;
  const res = await deps.get(url, { headers, maxBytes, timeoutMs, followRedirects: redirect === 'follow', field });
  return res.body.toString('utf8');
}
