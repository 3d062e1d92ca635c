import type { AccountConfig, OutriggerConfig } from './configSchema.js';

/**
 * Every account outrigger serves, as the authorizer and the providers see them: the AWS accounts of `aws.accounts`,
 * plus one entry per ECS account of `ecs.accounts` (clouddriver's `ECSCredentialsConfig`): it has the ECS account's
 * name, the credentials, regions and endpoint of the AWS account it names (`awsAccount`), that account's permissions
 * unless it gives its own, `ecsEnabled: true` and `lambdaEnabled: false`. An ECS account named like its AWS account
 * (or an AWS account with the `ecsEnabled: true` shorthand) is that same entry with `ecsEnabled: true`.
 */
export function resolveAccounts(config: Pick<OutriggerConfig, 'aws' | 'ecs'>): AccountConfig[] {
  const ecsSameName = new Set(config.ecs.accounts.filter((e) => e.name === e.awsAccount).map((e) => e.name));
  const out: AccountConfig[] = config.aws.accounts.map((a) => (ecsSameName.has(a.name) ? { ...a, ecsEnabled: true } : a));
  const byName = new Map(config.aws.accounts.map((a) => [a.name, a]));
  for (const e of config.ecs.accounts) {
    const aws = byName.get(e.awsAccount);
    if (!aws || e.name === e.awsAccount) continue;
    out.push({ ...aws, name: e.name, awsAccount: aws.name, ecsEnabled: true, lambdaEnabled: false, ...(e.permissions ? { permissions: e.permissions } : {}) });
  }
  return out;
}
