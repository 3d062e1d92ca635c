import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadConfig } from './loadConfig.js';

const dir = mkdtempSync(path.join(tmpdir(), 'outrigger-config-'));
function file(name: string, text: string) {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('loadConfig', () => {
  it('runs on embedded defaults with no file', () => {
    const { config, source } = loadConfig({ env: {} });
    expect(source).toBe('(defaults)');
    expect(config).toMatchObject({ server: { port: 7011 }, dataDir: './.outrigger', storage: { type: 'sqlite' }, aws: { accounts: [] } });
  });

  it("reads clouddriver's aws.accounts shape, pasted as is, with the endpoint override", () => {
    const p = file(
      'cd.yml',
      `aws:
  enabled: true
  defaultAssumeRole: role/spinnakerManaged
  accounts:
    - name: prod
      accountId: "123456789012"
      regions: [{name: us-east-1}, {name: eu-west-1}]
      assumeRole: role/spinnakerManaged
      externalId: abc
      lambdaEnabled: true
      permissions: {READ: [devs], WRITE: [ops]}
      defaultKeyPair: ignored
    - name: local
      regions: [us-east-1]
      endpoint: http://127.0.0.1:4566
`,
    );
    const { config, source } = loadConfig({ file: p, env: {} });
    expect(source).toBe(p);
    expect(config.aws.accounts[0]).toMatchObject({ name: 'prod', accountId: '123456789012', regions: [{ name: 'us-east-1' }, { name: 'eu-west-1' }], lambdaEnabled: true, permissions: { READ: ['devs'], WRITE: ['ops'] } });
    expect(config.aws.accounts[1]).toMatchObject({ name: 'local', regions: [{ name: 'us-east-1' }], endpoint: 'http://127.0.0.1:4566', lambdaEnabled: false });
  });

  it('names the file, the key path and what was expected for every problem', () => {
    const p = file('bad.yml', 'server:\n  port: "eighty"\naws:\n  accounts:\n    - name: a\n      regions: us-east-1\n      accountId: "12"\n');
    let err: unknown;
    try {
      loadConfig({ file: p, env: {} });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).toContain(`${p}: server.port: Invalid input: expected number, received string`);
    expect(message).toContain(`${p}: aws.accounts[0].regions: Invalid input: expected array, received string`);
    expect(message).toContain(`${p}: aws.accounts[0].accountId:`);
    expect(message).toContain('a 12-digit AWS account id');
  });

  it("names a misspelt top-level section of outrigger's own, and leaves other services' sections alone", () => {
    const p = file(
      'typos.yml',
      `bakee:
  maxConcurrentBakes: 2
lamdba: {}
data_dir: /var/lib/outrigger
Storage: {type: sqlite}
gce: {enabled: false}
oci: {}
oauth2: {}
redis: {enabled: false}
services: {fiat: {enabled: false}}
spring: {application: {name: clouddriver}}
kubernetes: {accounts: []}
`,
    );
    let err: unknown;
    try {
      loadConfig({ file: p, env: {}, sections: { bake: z.object({}).loose(), lambda: z.object({}).loose() } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const lines = (err as Error).message.split('\n').slice(1).map((l) => l.trim());
    expect(lines).toEqual([
      `${p}: bakee: unknown key (did you mean bake?)`,
      `${p}: lamdba: unknown key (did you mean lambda?)`,
      `${p}: data_dir: unknown key (did you mean dataDir?)`,
      `${p}: Storage: unknown key (did you mean storage?)`,
    ]);
    expect((err as Error).message).toMatch(/^invalid configuration \(4 errors\)/);
    // The same sections of the other services, spelt right, load.
    const ok = file('others.yml', 'gce: {enabled: false}\noci: {}\noauth2: {}\nredis: {enabled: false}\nrosco: {configDir: /opt/rosco/config/packer}\nsql: {enabled: false}\n');
    expect(loadConfig({ file: ok, env: {} }).source).toBe(ok);
  });

  it('refuses duplicate account names', () => {
    const p = file('dup.yml', 'aws:\n  accounts:\n    - name: a\n    - name: a\n');
    expect(() => loadConfig({ file: p, env: {} })).toThrow(`${p}: aws.accounts[1].name: duplicate account name "a"`);
  });

  it('reports YAML syntax errors and missing files with the file name', () => {
    expect(() => loadConfig({ file: file('syntax.yml', 'server: [\n'), env: {} })).toThrow(/syntax\.yml: /);
    expect(() => loadConfig({ file: path.join(dir, 'nope.yml'), env: {} })).toThrow(/nope\.yml: cannot read the config file \(ENOENT\)/);
  });

  it('reads OUTRIGGER_CONFIG and fills ${VAR} and ${VAR:default} from the environment', () => {
    const p = file('env.yml', 'server:\n  baseUrl: ${PUBLIC_URL}\ndataDir: ${DATA_DIR:/var/lib/outrigger}\n');
    const { config } = loadConfig({ env: { OUTRIGGER_CONFIG: p, PUBLIC_URL: 'https://outrigger.example.com' } });
    expect(config.server.baseUrl).toBe('https://outrigger.example.com');
    expect(config.dataDir).toBe('/var/lib/outrigger');
    expect(() => loadConfig({ file: p, env: {} })).toThrow(/server\.baseUrl: environment variable PUBLIC_URL is not set/);
  });

  it('selects PostgreSQL with storage.type postgres, the password from ${VAR}, and requires the url', () => {
    const p = file('pg.yml', 'storage:\n  type: postgres\n  url: postgres://outrigger:${PGPASSWORD}@db:5432/outrigger\n  schema: outrigger\n');
    const { config } = loadConfig({ file: p, env: { PGPASSWORD: 'p@ss' } });
    expect(config.storage).toMatchObject({ type: 'postgres', url: 'postgres://outrigger:p@ss@db:5432/outrigger', schema: 'outrigger', heartbeatSeconds: 10 });
    const missing = file('pg-missing.yml', 'storage:\n  type: postgres\n');
    expect(() => loadConfig({ file: missing, env: {} })).toThrow(/storage\.url: url is required when type is postgres/);
  });

  it('requires fiat.baseUrl when fiat is enabled', () => {
    const p = file('fiat.yml', 'auth:\n  fiat:\n    enabled: true\n');
    expect(() => loadConfig({ file: p, env: {} })).toThrow(/auth\.fiat\.baseUrl: baseUrl is required when fiat is enabled/);
  });
});
