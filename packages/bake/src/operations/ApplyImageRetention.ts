import { applyImageRetention } from '../aws/applyImageRetention.js';
import type { BakeOperationDeps } from './BakeOperationDeps.js';

/** `POST /api/v1/{region}/images/retention`: READ for a dry run, WRITE otherwise, when accounts are configured. */
export function bindApplyImageRetention({ router, deps, config, accountFor }: BakeOperationDeps): void {
  deps.bind(router, 'applyImageRetention', async (input) => {
    const { params, body } = input;
    const dryRun = body.dry_run === true;
    const name = body.account_name ?? config.aws.bakeAccount;
    const account = deps.config.aws.accounts.length
      ? deps.authorizer.requireAccount(await input.principal(), name ?? deps.config.aws.accounts[0]!.name, dryRun ? 'READ' : 'WRITE', '$.body.account_name')
      : accountFor(name);
    return applyImageRetention(deps.aws, account, { region: params.region, application: body.application, keep: body.keep, dryRun });
  });
}
