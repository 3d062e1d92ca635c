import type { Router } from 'express';
import type { AccountSummary } from '@outrigger/contract';
import type { PluginRepositoryDeps } from './createPluginRepositoryProvider.js';

/** `GET /accounts`: what the Deck stage pickers offer, filtered to accounts the caller may READ. */
export function bindListAccounts(router: Router, deps: PluginRepositoryDeps): void {
  deps.bind(router, 'listAccounts', async ({ principal }) => {
    const defaults = deps.config.aws.defaultRegions;
    return deps.authorizer.readableAccounts(await principal()).map(
      (a): AccountSummary => ({
        name: a.name,
        type: 'aws',
        cloudProvider: 'aws',
        ...(a.accountId ? { accountId: a.accountId } : {}),
        ...(a.environment ? { environment: a.environment } : {}),
        ...(a.accountType ? { accountType: a.accountType } : {}),
        regions: (a.regions.length ? a.regions : defaults).map((r) => ({ name: r.name })),
        lambdaEnabled: a.lambdaEnabled,
        ecsEnabled: a.ecsEnabled,
        ...(a.awsAccount && a.awsAccount !== a.name ? { awsAccount: a.awsAccount } : {}),
      }),
    );
  });
}
