import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '@outrigger/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orcaBody, post, startBakery } from './__fixtures__/harness.js';
import { SECRET_SAMPLES as S } from './__fixtures__/secretSamples.js';

/** Every byte outrigger wrote under its data directory (SQLite database and WAL with tasks and bakes, bake files). */
function everythingWritten(dir: string): string {
  return readdirSync(dir)
    .map((n) => path.join(dir, n))
    .map((p) => (statSync(p).isDirectory() ? everythingWritten(p) : readFileSync(p).toString('latin1')))
    .join('\n');
}

/** Each refused secret, where a pipeline author might paste it, and the text that must never come back or be kept. */
const cases: [string, Record<string, unknown>, string[]][] = [
  ['AWS secret access key by name', { extended_attributes: { aws_secret_access_key: S.awsSecretKey } }, [S.awsSecretKey, 'aws_secret_access_key']],
  ['AWS secret access key in a value', { extended_attributes: { env: `AWS_SECRET_ACCESS_KEY=${S.awsSecretKey}` } }, [S.awsSecretKey]],
  ['AWS access key id', { package: `nginx ${S.awsKeyId}` }, [S.awsKeyId]],
  ['github_pat_ token', { extended_attributes: { repo: S.githubPat } }, [S.githubPat]],
  ['ghp_ token', { extended_attributes: { repo: S.githubClassic } }, [S.githubClassic]],
  ['npm_ token', { extended_attributes: { registry: S.npm } }, [S.npm]],
  ['glpat- token', { extended_attributes: { clone: S.gitlab } }, [S.gitlab]],
  ['Slack token', { extended_attributes: { hook: S.slack } }, [S.slack]],
  ['private key', { extended_attributes: { deploy: S.privateKey } }, ['MIIEpAIBAAKCAQEAzx9Kq2LmN4pR7sT1vW3yB5dF8hJ0kM6nQ2rS4tU7']],
  ['db_password: x in free text', { build_host: 'db_password: xq7-unique' }, ['xq7-unique']],
  ['db_password attribute', { extended_attributes: { db_password: 'x8-unique' } }, ['x8-unique', 'db_password']],
  ['auth attribute', { extended_attributes: { auth: 'au7-unique' } }, ['au7-unique']],
  ['pwd attribute', { extended_attributes: { pwd: 'pw7-unique' } }, ['pw7-unique']],
  ['a token as an attribute name', { extended_attributes: { [S.npm.replace('Zx9', 'Yy8')]: '1' } }, [S.npm.replace('Zx9', 'Yy8')]],
  ['URL with a password', { package_artifacts: [{ type: 'http/file', reference: 'https://bob:pa55-unique@repo.example.com/a.deb' }] }, ['pa55-unique']],
];

describe('a refused secret never reaches the database, a log, a task or an error', () => {
  let b: Awaited<ReturnType<typeof startBakery>>;
  let logged = '';
  beforeAll(async () => {
    const destination = new Writable({ write: (chunk, _enc, cb) => ((logged += chunk.toString()), cb()) });
    b = await startBakery({}, { logger: createLogger({ level: 'trace', destination }), config: { storage: { type: 'sqlite' } } });
  });
  let closed = false;
  afterAll(async () => {
    if (!closed) await b.close();
    else rmSync(b.dataDir, { recursive: true, force: true });
  });

  it.each(cases)('%s', async (_n, over, never) => {
    const r = await post(b.baseUrl, '/api/v1/us-east-1/bake', orcaBody(over));
    expect(r.status).toBe(400);
    expect(r.body.message).toContain('credentials');
    // The error: names the field, never the secret (nor an attribute name that is the secret).
    for (const s of never) expect(JSON.stringify(r.body)).not.toContain(s);
    // No bake, so no task-like record either: the instance status lists nothing.
    expect((await post(b.baseUrl, '/api/v1/us-east-1/bake', orcaBody({ package: 'clean' }))).status).toBe(200);
  });

  it('left nothing of any of them in the database (tasks and bakes), the bake files or the log', async () => {
    await b.close(false);
    closed = true;
    const stored = everythingWritten(b.dataDir);
    expect(stored.length).toBeGreaterThan(0);
    expect(logged).toContain('/api/v1/us-east-1/bake');
    for (const [, , never] of cases) {
      for (const s of never) {
        expect(stored.includes(s), `stored: ${s.slice(0, 12)}…`).toBe(false);
        expect(logged.includes(s), `logged: ${s.slice(0, 12)}…`).toBe(false);
      }
    }
  });
});
