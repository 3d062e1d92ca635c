import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SECRET_SAMPLES } from '../__fixtures__/secretSamples.js';
import { createRedactor, findSecrets, isSecretName, maskSecretsInLines } from './findSecrets.js';


describe('findSecrets', () => {
  const S = SECRET_SAMPLES;
  const cases: [string, { given: Parameters<typeof findSecrets>[0]; want: string[] }][] = [
    ['clean request', { given: { package: 'nginx curl', extended_attributes: { copy_to: 'us-west-2', upgrade: true, share_with: '123456789012', author: 'ops' } }, want: [] }],
    ['AWS access key id in packages', { given: { package: `nginx ${S.awsKeyId}` }, want: ['$.body.package'] }],
    ['AWS secret access key assigned in a value', { given: { extended_attributes: { env: `AWS_SECRET_ACCESS_KEY=${S.awsSecretKey}` } }, want: ['$.body.extended_attributes.env'] }],
    ['AWS secret access key by name (name not echoed)', { given: { extended_attributes: { aws_secret_access_key: S.awsSecretKey } }, want: ['$.body.extended_attributes'] }],
    ['fine-grained GitHub token', { given: { extended_attributes: { repo: S.githubPat } }, want: ['$.body.extended_attributes.repo'] }],
    ['classic GitHub token', { given: { build_info_url: `https://x.example.com/?t=${S.githubClassic}` }, want: ['$.body.build_info_url'] }],
    ['npm token', { given: { extended_attributes: { registry: S.npm } }, want: ['$.body.extended_attributes.registry'] }],
    ['GitLab token', { given: { package_artifacts: [{ type: 'http/file', reference: `https://gitlab.example.com/a.deb?private_token=${S.gitlab}` }] }, want: ['$.body.package_artifacts[0].reference'] }],
    ['Slack token', { given: { extended_attributes: { hook: S.slack } }, want: ['$.body.extended_attributes.hook'] }],
    ['private key value', { given: { extended_attributes: { key: S.privateKey } }, want: ['$.body.extended_attributes.key'] }],
    ['db_password: x in free text', { given: { build_host: 'db_password: x' }, want: ['$.body.build_host'] }],
    ['password by name', { given: { extended_attributes: { db_password: 'x' } }, want: ['$.body.extended_attributes'] }],
    ['auth by name', { given: { extended_attributes: { auth: 'abc' } }, want: ['$.body.extended_attributes'] }],
    ['pwd by name', { given: { extended_attributes: { pwd: 'abc' } }, want: ['$.body.extended_attributes'] }],
    ['camelCase apiKey by name', { given: { extended_attributes: { datadogApiKey: 'abc' } }, want: ['$.body.extended_attributes'] }],
    ['a token as an attribute name (not echoed)', { given: { extended_attributes: { [S.githubClassic]: '1' } }, want: ['$.body.extended_attributes'] }],
    ['url with password', { given: { package_artifacts: [{ type: 'http/file', reference: 'https://bob:s3cr3t@repo.example.com/a.deb' }] }, want: ['$.body.package_artifacts[0].reference'] }],
    ['empty secret-named attribute is fine', { given: { extended_attributes: { aws_secret_key: '' } }, want: [] }],
    ['files and paths are not secrets', { given: { extended_attributes: { ssh_private_key_file: '/home/ci/.ssh/id_rsa', tls_key_path: '/etc/tls/key.pem', token_file: 'x', password_file: 'y' } }, want: [] }],
  ];
  it.each(cases)('%s', async (_n, { given, want }) => {
    expect((await findSecrets(given)).map((f) => f.field)).toEqual(want);
  });

  it('never carries a value, nor a name that is itself the finding', async () => {
    const f = await findSecrets({ extended_attributes: { api_token: 'tok-123456', [SECRET_SAMPLES.npm]: 'x' } });
    expect(f).toHaveLength(2);
    expect(JSON.stringify(f)).not.toContain('tok-123456');
    expect(JSON.stringify(f)).not.toContain('api_token');
    expect(JSON.stringify(f)).not.toContain(SECRET_SAMPLES.npm);
  });

  it.each([
    ['password', true],
    ['DB_PASSWORD', true],
    ['auth', true],
    ['basic_auth', true],
    ['author', false],
    ['authority', false],
    ['ssh_private_key_file', false],
    ['key_name', false],
    ['kms_key_id', false],
    ['passenger_count', false],
  ])('isSecretName(%s) is %s', (name, want) => {
    expect(isSecretName(name)).toBe(want);
  });
});

describe('createRedactor', () => {
  const redact = createRedactor(['verysecretvalue']);
  it.each([
    ['known value', 'using verysecretvalue now', 'using ****** now'],
    ['access key', 'key AKIAABCDEFGHIJKLMNOP here', 'key ****** here'],
    ['password assignment', 'PASSWORD=hunter2 next', 'PASSWORD=****** next'],
    ['url credentials', 'fetch https://bob:pw@host/x', 'fetch https://bob:******@host/x'],
    ['npm token', `token ${SECRET_SAMPLES.npm} used`, 'token ****** used'],
    ['gitlab token', `clone with ${SECRET_SAMPLES.gitlab}`, 'clone with ******'],
    ['aws secret key assignment', `aws_secret_access_key = ${SECRET_SAMPLES.awsSecretKey}`, 'aws_secret_access_key = ******'],
    ['plain text', 'installing nginx', 'installing nginx'],
  ])('%s', (_n, given, want) => {
    expect(redact(given)).toBe(want);
  });
});

describe('maskSecretsInLines (secretlint over a batch of log lines)', () => {
  it("masks what secretlint's rule set finds and outrigger's own patterns miss, keeping every other line and the line count", async () => {
    const webhook = ['https://hooks.slack.com/services', 'T01ABCDEF12', 'B01ABCDEF34', 'abcdefghijklmnopqrstuvwx'].join('/');
    const dsn = ['postgres://admin', 'Sup3rS3cret@db.example.com:5432/app'].join(':');
    const lines = ['==> amazon-ebs: Provisioning with shell script', `    amazon-ebs: notify ${webhook} ok`, `    amazon-ebs: DATABASE_URL is ${dsn}`, '    amazon-ebs: done'];
    // outrigger's own patterns leave the webhook as it is (the regex redactor knows Slack tokens, not webhook URLs).
    expect(createRedactor([])(lines[1]!)).toContain(webhook);
    const masked = await maskSecretsInLines(lines);
    expect(masked).toHaveLength(lines.length);
    expect(masked[0]).toBe(lines[0]);
    expect(masked[1]).toBe('    amazon-ebs: notify ****** ok');
    expect(masked[2]).not.toContain('Sup3rS3cret');
    expect(masked[3]).toBe(lines[3]);
    expect(masked.join('\n')).not.toContain('hooks.slack.com/services/T01');
  });

  it('keeps line breaks inside a finding that spans lines, and leaves clean batches untouched', async () => {
    expect(await maskSecretsInLines(['installing nginx', 'done'])).toEqual(['installing nginx', 'done']);
    expect(await maskSecretsInLines([])).toEqual([]);
    // A real key (secretlint checks its shape): Packer output shows it one line per line.
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const key = privateKey.trimEnd().split('\n');
    // Line by line, outrigger's own patterns mask the header only: the body lines would stay.
    expect(key.slice(1, -1).map(createRedactor([]))).toEqual(key.slice(1, -1));
    const masked = await maskSecretsInLines(['before', ...key, 'after']);
    expect(masked).toHaveLength(key.length + 2);
    expect(masked[0]).toBe('before');
    expect(masked.at(-1)).toBe('after');
    for (const body of key.slice(1, -1)) expect(masked.join('\n')).not.toContain(body);
    expect(masked.slice(1, -1).every((l) => l === '******')).toBe(true);
  });
});
