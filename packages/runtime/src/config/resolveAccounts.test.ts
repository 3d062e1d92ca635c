import { describe, expect, it } from 'vitest';
import { createAuthorizer } from '../auth/createAuthorizer.js';
import { ConfigSchema } from './configSchema.js';
import { resolveAccounts } from './resolveAccounts.js';

// clouddriver's ECS accounts (clouddriver-ecs ECSCredentialsConfig: `ecs.accounts[{name, awsAccount}]`) pasted as they are.
const config = ConfigSchema.parse({
  aws: {
    accounts: [
      { name: 'prod', accountId: '123456789012', assumeRole: 'role/spinnakerManaged', regions: ['us-east-1'], permissions: { READ: ['ops'], WRITE: ['ops'] } },
      { name: 'lambda-only', accountId: '210987654321', lambdaEnabled: true },
      { name: 'legacy', accountId: '111111111111', ecsEnabled: true },
    ],
  },
  ecs: { enabled: true, accounts: [{ name: 'ecs-prod', awsAccount: 'prod', namingStrategy: 'default' }] },
});

describe('ECS accounts as clouddriver defines them', () => {
  it('serves an ECS account by its own name with its AWS account\'s credentials and permissions', () => {
    const all = resolveAccounts(config);
    const ecsProd = all.find((a) => a.name === 'ecs-prod')!;
    expect(ecsProd).toMatchObject({ name: 'ecs-prod', awsAccount: 'prod', accountId: '123456789012', assumeRole: 'role/spinnakerManaged', ecsEnabled: true, lambdaEnabled: false });
    expect(ecsProd.permissions).toEqual({ READ: ['ops'], WRITE: ['ops'] });
    expect(all.filter((a) => a.ecsEnabled).map((a) => a.name).sort()).toEqual(['ecs-prod', 'legacy']);
  });

  it('does not make an AWS account an ECS account unless told (an account added for Lambda stays clouddriver\'s)', () => {
    const all = resolveAccounts(config);
    expect(all.find((a) => a.name === 'lambda-only')!.ecsEnabled).toBe(false);
    expect(all.find((a) => a.name === 'prod')!.ecsEnabled).toBe(false);
  });

  it('authorizes ECS operations by the ECS account name', () => {
    const auth = createAuthorizer({ config });
    const ops = { user: 'kim', anonymous: false, admin: false, accounts: new Map([['ecs-prod', new Set(['READ', 'WRITE'] as const)]]) };
    expect(auth.requireAccount(ops, 'ecs-prod', 'WRITE', '$.body.credentials').name).toBe('ecs-prod');
    const none = { user: 'lee', anonymous: false, admin: false };
    expect(() => auth.requireAccount(none, 'ecs-prod', 'WRITE', '$.body.credentials')).toThrow(/Access denied to account ecs-prod/);
  });

  it('refuses an ECS account naming an AWS account that does not exist, by key path', () => {
    const r = ConfigSchema.safeParse({ aws: { accounts: [{ name: 'prod' }] }, ecs: { accounts: [{ name: 'ecs-x', awsAccount: 'nope' }] } });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({ path: ['ecs', 'accounts', 0, 'awsAccount'], message: expect.stringContaining('no aws.accounts entry is named "nope"') });
  });
});
