import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Logger } from 'pino';

/** Credentials as the AWS SDKs hold them. */
export interface ServedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/**
 * A loopback endpoint that serves each running bake its account's credentials through the AWS SDKs' container
 * credentials protocol. Packer gets only `AWS_CONTAINER_CREDENTIALS_FULL_URI` (this endpoint, the bake's path) and
 * `AWS_CONTAINER_AUTHORIZATION_TOKEN` (a per-bake token) in its environment: no credential is written to a file,
 * argv or log, and Packer's SDK asks again before the served credentials expire, so a bake longer than a role
 * session gets fresh ones (outrigger's own SDK provider refreshes the assumed role).
 */
export interface CredentialsEndpoint {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The environment that points a bake's Packer here; undefined until started. */
  envFor(bakeId: string): Record<string, string> | undefined;
}

export function createCredentialsEndpoint(deps: {
  /** The bake's credentials, or undefined when the bake is unknown, over or has no account. */
  credentialsFor(bakeId: string): Promise<ServedCredentials | undefined>;
  logger: Logger;
  /**
   * Where the endpoint keeps its port and token key (0600), so that after a restart it listens on the same port and
   * the Packer runs it re-attaches to can still refresh their credentials. No credential is in it.
   */
  stateFile?: string;
}): CredentialsEndpoint {
  const saved = readState(deps.stateFile);
  const key = saved?.key ?? randomBytes(32);
  const tokenFor = (bakeId: string) => createHmac('sha256', key).update(bakeId).digest('base64url');
  let server: http.Server | undefined;
  let url: string | undefined;

  function authorized(bakeId: string, header: string | undefined): boolean {
    const want = Buffer.from(tokenFor(bakeId));
    const got = Buffer.from(header ?? '');
    return got.length === want.length && timingSafeEqual(got, want);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const m = /^\/bakes\/([A-Za-z0-9-]{1,64})\/credentials$/.exec(req.url ?? '');
    res.setHeader('content-type', 'application/json');
    if (req.method !== 'GET' || !m) {
      res.statusCode = 404;
      res.end(JSON.stringify({ message: 'not found' }));
      return;
    }
    const bakeId = m[1]!;
    if (!authorized(bakeId, req.headers.authorization)) {
      res.statusCode = 403;
      res.end(JSON.stringify({ message: 'not allowed' }));
      return;
    }
    try {
      const c = await deps.credentialsFor(bakeId);
      if (!c) {
        res.statusCode = 404;
        res.end(JSON.stringify({ message: 'this bake is not running as an account' }));
        return;
      }
      res.end(
        JSON.stringify({
          AccessKeyId: c.accessKeyId,
          SecretAccessKey: c.secretAccessKey,
          ...(c.sessionToken ? { Token: c.sessionToken } : {}),
          ...(c.expiration ? { Expiration: c.expiration.toISOString() } : {}),
        }),
      );
    } catch (err) {
      // The SDK's error names the failure (AccessDenied on AssumeRole, ...); it carries no credential.
      deps.logger.warn({ bakeId, err: { name: (err as Error).name, message: (err as Error).message } }, 'credentials for a bake could not be resolved');
      res.statusCode = 500;
      res.end(JSON.stringify({ message: `credentials could not be resolved: ${(err as Error).name}` }));
    }
  }

  return {
    async start() {
      if (server) return;
      const s = http.createServer((req, res) => void handle(req, res));
      const listen = (port: number) =>
        new Promise<void>((resolve, reject) => {
          s.once('error', reject);
          s.listen(port, '127.0.0.1', () => {
            s.removeListener('error', reject);
            resolve();
          });
        });
      // The port of the previous process when it is free (its re-attached Packer runs point there), else any.
      await (saved?.port ? listen(saved.port).catch(() => listen(0)) : listen(0));
      s.unref();
      server = s;
      const port = (s.address() as AddressInfo).port;
      url = `http://127.0.0.1:${port}`;
      if (deps.stateFile) writeState(deps.stateFile, { port, key });
    },
    async stop() {
      const s = server;
      server = undefined;
      url = undefined;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    },
    envFor(bakeId) {
      if (!url) return undefined;
      return { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${url}/bakes/${bakeId}/credentials`, AWS_CONTAINER_AUTHORIZATION_TOKEN: tokenFor(bakeId) };
    },
  };
}

function readState(file: string | undefined): { port: number; key: Buffer } | undefined {
  if (!file) return undefined;
  try {
    const j = JSON.parse(readFileSync(file, 'utf8')) as { port?: unknown; key?: unknown };
    const key = typeof j.key === 'string' ? Buffer.from(j.key, 'base64') : undefined;
    return typeof j.port === 'number' && key?.length === 32 ? { port: j.port, key } : undefined;
  } catch {
    return undefined;
  }
}

function writeState(file: string, state: { port: number; key: Buffer }): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify({ port: state.port, key: state.key.toString('base64') }), { mode: 0o600 });
  chmodSync(file, 0o600);
}
