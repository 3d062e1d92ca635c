import { describe, expect, it } from 'vitest';
import { createRedactor, findSecrets } from './findSecrets.js';

describe('findSecrets', () => {
  const cases: [string, { given: Parameters<typeof findSecrets>[0]; want: string[] }][] = [
    ['clean request', { given: { package: 'nginx curl', extended_attributes: { copy_to: 'us-west-2', upgrade: true } }, want: [] }],
    ['access key in packages', { given: { package: 'nginx AKIAABCDEFGHIJKLMNOP' }, want: ['$.body.package'] }],
    ['password by name', { given: { extended_attributes: { db_password: 'hunter2' } }, want: ['$.body.extended_attributes.db_password'] }],
    ['private key value', { given: { extended_attributes: { key: '-----BEGIN RSA PRIVATE KEY-----\nabc' } }, want: ['$.body.extended_attributes.key'] }],
    ['token value', { given: { extended_attributes: { repo: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' } }, want: ['$.body.extended_attributes.repo'] }],
    ['url with password', { given: { package_artifacts: [{ type: 'http/file', reference: 'https://bob:s3cr3t@repo.example.com/a.deb' }] }, want: ['$.body.package_artifacts[0].reference'] }],
    ['empty secret-named attribute is fine', { given: { extended_attributes: { aws_secret_key: '' } }, want: [] }],
  ];
  it.each(cases)('%s', (_n, { given, want }) => {
    expect(findSecrets(given).map((f) => f.field)).toEqual(want);
  });

  it('never carries the value', () => {
    const f = findSecrets({ extended_attributes: { api_token: 'tok-123456' } });
    expect(JSON.stringify(f)).not.toContain('tok-123456');
  });
});

describe('createRedactor', () => {
  const redact = createRedactor(['verysecretvalue']);
  it.each([
    ['known value', 'using verysecretvalue now', 'using ****** now'],
    ['access key', 'key AKIAABCDEFGHIJKLMNOP here', 'key ****** here'],
    ['password assignment', 'PASSWORD=hunter2 next', 'PASSWORD=****** next'],
    ['url credentials', 'fetch https://bob:pw@host/x', 'fetch https://bob:******@host/x'],
    ['plain text', 'installing nginx', 'installing nginx'],
  ])('%s', (_n, given, want) => {
    expect(redact(given)).toBe(want);
  });
});
